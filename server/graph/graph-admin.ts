import { randomUUID } from 'node:crypto';
import type { GraphAdmin, PermissionCheck } from '../ports.js';
import type { GraphConnection } from './graph-client.js';
import { describeGraphError, graphStatus } from './graph-errors.js';
import { getPresencesByUserId } from './presence-api.js';

/**
 * Checks each Graph permission the configured mode needs with one real, harmless call. A 401/403 means the
 * permission (or admin consent) is missing; any other answer proves the app may call the API.
 */
export class GraphAdminChecks implements GraphAdmin {
  constructor(private readonly connection: GraphConnection) {}

  adminConsentUrl(): string {
    const { authorityHost, tenantId, clientId } = this.connection;
    return `${authorityHost}/${encodeURIComponent(tenantId)}/adminconsent?client_id=${encodeURIComponent(clientId)}`;
  }

  tokenAcquiredAt(): number | null {
    return this.connection.tokenAcquiredAt();
  }

  async checkPermissions(needed: readonly string[]): Promise<PermissionCheck[]> {
    try {
      await this.connection.appToken();
    } catch (err) {
      const detail = `no app token: ${describeGraphError(err)}`;
      return needed.map((permission) => ({ permission, ok: false, detail }));
    }
    const probeUser = await this.someUserId();
    const out: PermissionCheck[] = [];
    for (const permission of needed) out.push(await this.check(permission, probeUser));
    return out;
  }

  private async someUserId(): Promise<string> {
    try {
      const page = (await this.connection.app.api('/users').select(['id']).top(1).get()) as { value?: { id?: string }[] };
      return page.value?.[0]?.id ?? randomUUID();
    } catch {
      return randomUUID();
    }
  }

  private async check(permission: string, userId: string): Promise<PermissionCheck> {
    const app = this.connection.app;
    const probe = async (what: string, call: () => Promise<unknown>, okStatuses: number[] = []): Promise<PermissionCheck> => {
      try {
        await call();
        return { permission, ok: true, detail: `${what} succeeded` };
      } catch (err) {
        const status = graphStatus(err);
        if (status !== undefined && okStatuses.includes(status)) return { permission, ok: true, detail: `${what} answered ${status} as expected` };
        if (status === 401 || status === 403) return { permission, ok: false, detail: `${what} was refused (${status}): grant ${permission} and admin consent` };
        return { permission, ok: false, detail: `${what} failed: ${describeGraphError(err)}` };
      }
    };
    switch (permission) {
      case 'Presence.Read.All':
        return probe('reading presence (getPresencesByUserId)', () => getPresencesByUserId(app, [userId]));
      case 'Presence.ReadWrite.All':
        // clearPresence with the app's own session id (Graph demands the app id as sessionId) on a user id that
        // does not exist: nobody's presence changes, and Graph checks the permission before the user, so only
        // 401/403 mean "not granted" — 404 or 400 prove the call was authorised.
        return probe(
          'clearing the app presence session of a non-existent user',
          () => app.api(`/users/${encodeURIComponent(randomUUID())}/presence/clearPresence`).post({ sessionId: this.connection.clientId }),
          [400, 404],
        );
      case 'User.Read.All':
        return probe('listing users', () => app.api('/users').select(['id']).top(1).get());
      default:
        return { permission, ok: false, detail: 'no check is known for this permission' };
    }
  }
}
