import type { IncomingMessage, ServerResponse } from 'node:http';
import { addAuthorizeControlRoutes } from './authorize-routes.js';
import { controlRouter } from './control-routes.js';
import type { EmulatorContext, GraphCtx } from './emulator-context.js';
import { BodyTooLargeError, readRawBody } from '../kit/body.js';
import { graphError, json, toEmuRequest, writeGraphResult, type EmuRequest, type EmuResult, type Handler, type Router } from './graph-http.js';
import { identityRouter } from './identity-routes.js';
import { openIdV1Router } from './openid-v1-routes.js';
import { presenceRouter } from './presence-routes.js';
import { subscriptionRouter } from './subscription-routes.js';
import { usersRouter } from './users-routes.js';

/**
 * The request pipeline. `/_emulator/*` is the unauthenticated control surface; `/v1.0/*` is Graph:
 * route → bearer token → injected faults → presence throttle (per app, presence routes only) → handler;
 * everything else is the identity platform. Every Graph and identity request is counted in the stats by
 * route template.
 */
const BODY_LIMIT = 4 * 1024 * 1024;
const MAX_BATCH = 20;
const FAULT_CODES: Record<number, [string, string]> = {
  500: ['InternalServerError', 'An internal server error occurred.'],
  502: ['BadGateway', 'The gateway received an invalid response.'],
  503: ['ServiceUnavailable', 'The service is temporarily unavailable. Please retry later.'],
  504: ['GatewayTimeout', 'The request timed out.'],
};

const presence = presenceRouter();
const graphRouters: Router<GraphCtx>[] = [presence, usersRouter(), subscriptionRouter()];
const identity = identityRouter();
const openIdV1 = openIdV1Router();
const control = addAuthorizeControlRoutes(controlRouter());

export function throttledResult(req: EmuRequest, retryAfterSec: number): EmuResult {
  return graphError(req, 429, 'TooManyRequests', 'Please retry again later.', { code: '429', message: 'Please retry after', status: '429' }, { 'retry-after': String(retryAfterSec) });
}

/** One Graph request (direct or a `$batch` step); returns the result and the route template for stats. */
export async function dispatchGraph(req: EmuRequest, emu: EmulatorContext): Promise<{ result: EmuResult; route: string }> {
  if (req.method === 'POST' && /^\/v1\.0\/\$batch\/?$/i.test(req.path)) return { result: await batch(req, emu), route: '/v1.0/$batch' };
  let found: { value: Handler<GraphCtx>; template: string; params: Record<string, string> } | undefined;
  let methodAllowed = true;
  let throttled = false;
  for (const router of graphRouters) {
    const m = router.match(req.method, req.path);
    if (m.value) {
      found = m;
      throttled = router === presence;
      break;
    }
    if (!m.methodAllowed) methodAllowed = false;
  }
  if (!found) {
    if (!methodAllowed) return { result: graphError(req, 405, 'Request_BadRequest', `The HTTP method '${req.method}' is not allowed for this resource.`), route: '(unmatched)' };
    const segment = req.path.split('/').filter(Boolean).pop() ?? '';
    return { result: graphError(req, 400, 'BadRequest', `Resource not found for the segment '${segment}'.`), route: '(unmatched)' };
  }
  const route = found.template;
  const auth = emu.tokens.check(req.headers.authorization);
  if (!auth.ok) {
    const result = graphError(req, 401, 'InvalidAuthenticationToken', auth.message, {}, {
      'www-authenticate': `Bearer realm="", authorization_uri="${emu.url}/common/oauth2/authorize", client_id="00000003-0000-0000-c000-000000000000"`,
    });
    return { result, route };
  }
  const fault = emu.faults.graphFault(req.path);
  if (fault?.kind === 'throttle') return { result: throttledResult(req, fault.retryAfterSec), route };
  if (fault?.kind === 'fail') {
    const [code, message] = FAULT_CODES[fault.status] ?? ['UnknownError', 'An unexpected error occurred.'];
    const headers = fault.retryAfterSec !== undefined ? { 'retry-after': String(fault.retryAfterSec) } : undefined;
    return { result: graphError(req, fault.status, code, message, {}, headers), route };
  }
  if (throttled) {
    const retryAfter = emu.throttle.take(auth.token.clientId);
    if (retryAfter > 0) return { result: throttledResult(req, retryAfter), route };
  }
  req.params = found.params;
  return { result: await found.value(req, { emu, token: auth.token }), route };
}

/** JSON batching: ≤ 20 steps, run in order (so `dependsOn` always holds), each through the full pipeline. */
async function batch(req: EmuRequest, emu: EmulatorContext): Promise<EmuResult> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(req.rawBody.toString('utf8'));
  } catch {
    return graphError(req, 400, 'BadRequest', 'Invalid batch payload.');
  }
  const requests = (parsed as { requests?: unknown })?.requests;
  if (!Array.isArray(requests) || requests.length === 0) return graphError(req, 400, 'BadRequest', "The batch must contain a non-empty 'requests' array.");
  if (requests.length > MAX_BATCH) return graphError(req, 400, 'BadRequest', `Number of batch request steps exceeds the maximum of ${MAX_BATCH}.`);
  const responses: unknown[] = [];
  for (const step of requests as { id?: unknown; method?: unknown; url?: unknown; headers?: Record<string, string>; body?: unknown }[]) {
    const url = typeof step.url === 'string' ? step.url.replace(/^\/?(v1\.0\/)?/i, '/v1.0/') : '/v1.0/';
    const q = url.indexOf('?');
    const headers: Record<string, string | undefined> = { authorization: req.headers.authorization };
    for (const [k, v] of Object.entries(step.headers ?? {})) headers[k.toLowerCase()] = v;
    const sub: EmuRequest = {
      method: typeof step.method === 'string' ? step.method.toUpperCase() : 'GET',
      path: decodeURIComponent(q === -1 ? url : url.slice(0, q)),
      query: new URLSearchParams(q === -1 ? '' : url.slice(q + 1)),
      headers,
      rawBody: step.body === undefined ? Buffer.alloc(0) : Buffer.from(JSON.stringify(step.body)),
      requestId: req.requestId,
      clientRequestId: req.clientRequestId,
      params: {},
    };
    const { result, route } = await dispatchGraph(sub, emu);
    emu.stats.record(sub.method, sub.path, route, result.status, emu.clock.now(), sub.query);
    responses.push({ id: String(step.id ?? responses.length + 1), status: result.status, headers: { 'content-type': 'application/json', ...result.headers }, body: result.body ?? null });
  }
  return json(200, { responses });
}

export function createRequestHandler(emu: EmulatorContext): (req: IncomingMessage, res: ServerResponse) => void {
  return (rawReq, res) => {
    const started = Date.now();
    void (async () => {
      let body: Buffer;
      try {
        body = await readRawBody(rawReq, BODY_LIMIT);
      } catch (err) {
        if (!res.headersSent) res.writeHead(err instanceof BodyTooLargeError ? 413 : 400).end();
        return;
      }
      const req = toEmuRequest(rawReq, body);
      let result: EmuResult;
      let route: string;
      try {
        if (req.path.startsWith('/_emulator/')) {
          const d = await control.dispatch(req, emu);
          route = d.result ? d.route : '(unmatched)';
          result = d.result ?? json(d.methodAllowed ? 404 : 405, { error: { code: 'not_found', message: `no control route ${req.method} ${req.path}` } });
        } else if (/^\/v1\.0(\/|$)/i.test(req.path)) {
          const latency = emu.faults.latencyFor(req.path);
          if (latency > 0) await new Promise((r) => setTimeout(r, latency));
          ({ result, route } = await dispatchGraph(req, emu));
        } else {
          const v1 = await openIdV1.dispatch(req, emu);
          const d = v1.result ? v1 : await identity.dispatch(req, emu);
          route = d.result ? d.route : '(unmatched)';
          result = d.result ?? json(404, { error: 'not_found', error_description: `No endpoint ${req.method} ${req.path}` });
        }
      } catch (err) {
        route = '(error)';
        result = graphError(req, 500, 'InternalServerError', 'An internal server error occurred.');
        if (!emu.quiet) process.stderr.write(`graph-emulator: ${req.method} ${req.path} failed: ${(err as Error).stack ?? String(err)}\n`);
      }
      // The control surface is not part of the emulated service, so it stays out of the stats.
      if (!req.path.startsWith('/_emulator/')) emu.stats.record(req.method, req.path, route, result.status, emu.clock.now(), req.query);
      result.headers = { ...result.headers, 'x-emulator-now': new Date(emu.clock.now()).toISOString() };
      if (!res.destroyed) writeGraphResult(res, req, result);
      if (!emu.quiet) process.stderr.write(`graph-emulator: ${req.method} ${req.path} → ${result.status} (${Date.now() - started} ms)\n`);
    })();
  };
}
