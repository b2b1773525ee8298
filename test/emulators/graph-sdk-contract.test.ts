import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AllowedHostsValidator, BaseBearerTokenAuthenticationProvider, Duration, HttpMethod, RequestInformation } from '@microsoft/kiota-abstractions';
import { createGraphServiceClient, GraphRequestAdapter, type GraphServiceClient } from '@microsoft/msgraph-sdk';
import { createPresenceCollectionResponseFromDiscriminatorValue, createPresenceFromDiscriminatorValue, type PresenceCollectionResponse } from '@microsoft/msgraph-sdk/models/index.js';
import { createODataErrorFromDiscriminatorValue, type ODataError } from '@microsoft/msgraph-sdk/models/oDataErrors/index.js';
import { createGraphClientFactory } from '@microsoft/msgraph-sdk-core';
import '@microsoft/msgraph-sdk-subscriptions';
import '@microsoft/msgraph-sdk-users';
import { Agent, fetch as undiciFetch } from 'undici';
import { wireTypeErrors } from './graph-wire-types.js';
import { DEMO_PASSWORD, demoUserId, demoUsers, startGraphEmulator, type GraphEmulator } from '../../emulators/graph/index.js';
import { startWebhookReceiver, type WebhookReceiver } from '../../emulators/graph/webhook-receiver.js';
import { createGraphConnection, type GraphConnection } from '../../server/graph/graph-client.js';
import { silentLogger } from '../../server/logger.js';
import { systemClock } from '../../server/ports.js';

/**
 * Microsoft's generated Graph SDK for JavaScript (@microsoft/msgraph-sdk 1.0.0-preview.90 with its users and
 * subscriptions packages: kiota request builders, serializers and models generated from Graph's OpenAPI) runs
 * unchanged against the emulator. Tokens come from msal-node (the connector's own connection); the only
 * difference from production is the base URL and the trusted CA. No npm package carries the communications
 * request builders, so `communications/presences/{id}` and `getPresencesByUserId` go through the SDK's request
 * adapter with its generated Presence models and OData error parser.
 */
let emu: GraphEmulator;
let connection: GraphConnection;
let receiver: WebhookReceiver;
let app: GraphServiceClient;
let delegated: GraphServiceClient;
let adapter: GraphRequestAdapter;
const SVC = 'presence-svc1@contoso.example';
const wire: { method: string; path: string; body: unknown }[] = [];

function sdkClient(getToken: () => Promise<string>): { client: GraphServiceClient; adapter: GraphRequestAdapter } {
  const host = new URL(emu.url).host;
  const auth = new BaseBearerTokenAuthenticationProvider({
    getAuthorizationToken: () => getToken(),
    getAllowedHostsValidator: () => new AllowedHostsValidator(new Set([host])),
  });
  // Kiota's fetch with the emulator's CA trusted (Node's fetch cannot be given a CA directly).
  const dispatcher = new Agent({ connect: { ca: emu.caCertPem } });
  const customFetch = async (url: string, init: RequestInit): Promise<Response> => {
    const res = (await undiciFetch(url, { ...(init as object), dispatcher })) as unknown as Response;
    // Every JSON answer the SDK read is kept, to be type-checked against Graph's published types below.
    if (res.ok && (res.headers.get('content-type') ?? '').includes('json')) wire.push({ method: init.method ?? 'GET', path: new URL(url).pathname, body: await res.clone().json() });
    return res;
  };
  const http = createGraphClientFactory({ graphServiceTargetVersion: 'v1.0' }, customFetch);
  const a = new GraphRequestAdapter(auth, undefined, undefined, http);
  a.baseUrl = `${emu.url}/v1.0`;
  return { client: createGraphServiceClient(a), adapter: a };
}

beforeAll(async () => {
  emu = await startGraphEmulator({ quiet: true, users: demoUsers(40) });
  connection = createGraphConnection({
    tenantId: emu.tenantId,
    clientId: emu.clientId,
    clientSecret: emu.clientSecret,
    authorityHost: emu.url,
    graphBaseUrl: emu.url,
    caCertPem: emu.caCertPem,
    clock: systemClock,
    logger: silentLogger,
  });
  receiver = await startWebhookReceiver();
  ({ client: app, adapter } = sdkClient(() => connection.appToken()));
  // The emulator's service accounts have no MFA unless asked, so the password grant gives this test a delegated token.
  ({ client: delegated } = sdkClient(() => connection.delegatedToken({ username: SVC, password: DEMO_PASSWORD })));
});

afterAll(async () => {
  connection.close();
  await receiver.close();
  await emu.close();
});

const oDataErrors = { XXX: createODataErrorFromDiscriminatorValue };

describe("Microsoft's generated Graph SDK against the emulator", () => {
  it('lists users with $select and $top, reads one by id, and searches with ConsistencyLevel and $count', async () => {
    const page = await app.users.get({ queryParameters: { select: ['id', 'displayName', 'department', 'userPrincipalName'], top: 5 } });
    expect(page?.value).toHaveLength(5);
    expect(page?.value?.[0]).toMatchObject({ id: demoUserId(0), userPrincipalName: 'agent1@contoso.example', department: 'Contact Center' });
    expect(page?.odataNextLink).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/v1\.0\/users\?/);
    const one = await app.users.byUserId(demoUserId(1)).get();
    expect(one).toMatchObject({ id: demoUserId(1), userPrincipalName: 'agent2@contoso.example' });
    expect(one?.department).toBeUndefined(); // not in the default property set, as on Graph
    const found = await app.users.get({ headers: { ConsistencyLevel: 'eventual' }, queryParameters: { search: '"displayName:Agent"', count: true, select: ['id', 'displayName'] } });
    expect(found?.value?.length).toBe(8);
    expect(found?.odataCount).toBe(8);
    expect(found?.value?.every((u) => /Agent/.test(u.displayName ?? ''))).toBe(true);
  });

  it('maps an OData error into its ODataError model (search without ConsistencyLevel)', async () => {
    const err = (await app.users.get({ queryParameters: { search: '"displayName:Agent"' } }).catch((e: unknown) => e)) as ODataError;
    expect(err.responseStatusCode).toBe(400);
    expect(err.errorEscaped?.code).toBe('Request_UnsupportedQuery');
    expect(err.errorEscaped?.message).toMatch(/ConsistencyLevel/);
    expect(err.errorEscaped?.innerError?.requestId).toBeTruthy();
  });

  it('runs every presence action through the users package, and reads presence through communications', async () => {
    const id = demoUserId(2);
    const presence = app.users.byUserId(id).presence;
    await presence.setPresence.post({ sessionId: emu.clientId, availability: 'Busy', activity: 'InACall', expirationDuration: new Duration({ minutes: 10 }) });
    expect(await presence.get()).toMatchObject({ id, availability: 'Busy', activity: 'InACall' });
    await presence.setUserPreferredPresence.post({ availability: 'DoNotDisturb', activity: 'DoNotDisturb', expirationDuration: new Duration({ hours: 1 }) });
    expect(await presence.get()).toMatchObject({ availability: 'DoNotDisturb', activity: 'DoNotDisturb' });
    await presence.setStatusMessage.post({ statusMessage: { message: { content: 'Back at noon', contentType: 'text' } } });
    expect((await presence.get())?.statusMessage?.message?.content).toBe('Back at noon');
    await presence.clearUserPreferredPresence.post();
    expect(await presence.get()).toMatchObject({ availability: 'Busy', activity: 'InACall' });
    await presence.clearPresence.post({ sessionId: emu.clientId });
    expect(await presence.get()).toMatchObject({ availability: 'Offline', activity: 'Offline' });

    const direct = new RequestInformation(HttpMethod.GET, '{+baseurl}/communications/presences/{id}', { baseurl: adapter.baseUrl, id });
    direct.headers.tryAdd('Accept', 'application/json');
    const read = await adapter.send(direct, createPresenceFromDiscriminatorValue, oDataErrors);
    expect(read).toMatchObject({ id, availability: 'Offline' });

    const ids = [demoUserId(0), demoUserId(2), demoUserId(3)];
    const bulk = new RequestInformation(HttpMethod.POST, '{+baseurl}/communications/getPresencesByUserId', { baseurl: adapter.baseUrl });
    // The communications package's request body model is not published; the body is the documented {"ids":[…]}.
    bulk.headers.tryAdd('Content-Type', 'application/json');
    bulk.content = new TextEncoder().encode(JSON.stringify({ ids })).buffer as ArrayBuffer;
    const many = (await adapter.send(bulk, createPresenceCollectionResponseFromDiscriminatorValue, oDataErrors)) as PresenceCollectionResponse | undefined;
    expect(many?.value?.map((p) => p.id).sort()).toEqual([...ids].sort());
  });

  it('creates, renews, reauthorizes and deletes a presence subscription with a delegated token', async () => {
    const watched = [demoUserId(4), demoUserId(5)];
    const expires = (minutes: number): Date => new Date(Date.now() + minutes * 60_000);
    const created = await delegated.subscriptions.post({
      changeType: 'updated',
      notificationUrl: receiver.url,
      lifecycleNotificationUrl: receiver.url,
      resource: `communications/presences?$filter=id in (${watched.map((w) => `'${w}'`).join(',')})`,
      expirationDateTime: expires(50),
      clientState: 'sdk-contract-state',
      includeResourceData: false,
    });
    expect(created?.id).toBeTruthy();
    expect(created?.expirationDateTime).toBeInstanceOf(Date);
    expect(created?.resource).toMatch(/^communications\/presences/);
    const sub = delegated.subscriptions.bySubscriptionId(created!.id!);
    expect((await sub.get())?.clientState).toBe('sdk-contract-state');
    const listed = await delegated.subscriptions.get();
    expect(listed?.value?.map((s) => s.id)).toContain(created!.id);

    const renewed = await sub.patch({ expirationDateTime: expires(55) });
    expect(renewed?.expirationDateTime!.getTime()).toBeGreaterThan(created!.expirationDateTime!.getTime());
    await sub.reauthorize.post();

    await app.users.byUserId(watched[0]!).presence.setPresence.post({ sessionId: emu.clientId, availability: 'Away', activity: 'Away', expirationDuration: new Duration({ minutes: 5 }) });
    await receiver.waitFor(() => receiver.items().some((i) => i.subscriptionId === created!.id), 10_000);

    await sub.delete();
    const gone = (await sub.get().catch((e: unknown) => e)) as ODataError;
    expect(gone.responseStatusCode).toBe(404);
  });

  it('answered only JSON that type-checks against @microsoft/microsoft-graph-types (no unknown or mistyped property)', () => {
    const typeOf = (method: string, path: string): string | null => {
      const p = path.replace(/^\/v1\.0/, '');
      if (/^\/users$/.test(p)) return 'Collection<G.User>';
      if (/^\/users\/[^/]+$/.test(p)) return 'Wire<G.User>';
      if (/^\/(users\/[^/]+|communications\/presences\/[^/]+)\/?presence$|^\/communications\/presences\/[^/]+$/.test(p)) return 'Wire<G.Presence>';
      if (p === '/communications/getPresencesByUserId') return 'Collection<G.Presence>';
      if (p === '/subscriptions' && method === 'GET') return 'Collection<G.Subscription>';
      if (/^\/subscriptions(\/[^/]+)?$/.test(p)) return 'Wire<G.Subscription>';
      return null;
    };
    const samples = wire.map((w) => ({ type: typeOf(w.method, w.path), body: w.body, what: `${w.method} ${w.path}` }));
    expect(samples.filter((x) => x.type === null).map((x) => x.what)).toEqual([]);
    const notifications = receiver.posts.filter((p) => !p.query.includes('validationToken')).map((p) => ({ type: 'Notifications', body: p.body, what: 'notification POST' }));
    expect(notifications.length).toBeGreaterThan(0);
    const all = [...samples, ...notifications] as { type: string; body: unknown; what: string }[];
    expect(new Set(all.map((x) => x.type)).size).toBeGreaterThanOrEqual(7);
    expect(wireTypeErrors(all)).toEqual([]);
    // The check is live: a misspelt property and a wrong type are both caught.
    const broken = wireTypeErrors([
      { type: 'Wire<G.Presence>', body: { id: 'x', availabilty: 'Busy' }, what: 'misspelt' },
      { type: 'Wire<G.Subscription>', body: { id: 'x', expirationDateTime: 5 }, what: 'mistyped' },
    ]);
    expect(broken.join('\n')).toMatch(/misspelt[\s\S]*availabilty/);
    expect(broken.join('\n')).toMatch(/mistyped[\s\S]*number/);
  });
});
