import type { Client } from '@microsoft/microsoft-graph-client';
import type { TeamsPresenceWriter } from '../ports.js';
import { graphStatus, toAppError } from './graph-errors.js';

/**
 * The connector's own presence session in Teams. Graph aggregates it with the user's Teams clients
 * (user-preferred state first, then DoNotDisturb > Busy > Available > Away), so a state the user set by hand
 * still wins. sessionId must be the application's client id; expiration PT5M..PT4H.
 */
export class GraphPresenceWriter implements TeamsPresenceWriter {
  constructor(
    private readonly client: Client,
    /** The app registration's client id, used as the presence session id. */
    private readonly sessionId: string,
  ) {}

  async setCallPresence(teamsUserId: string, activity: 'InACall' | 'InAConferenceCall', expirationMinutes: number): Promise<void> {
    const minutes = Math.min(240, Math.max(5, Math.round(expirationMinutes)));
    try {
      await this.client.api(`/users/${encodeURIComponent(teamsUserId)}/presence/setPresence`).post({
        sessionId: this.sessionId,
        availability: 'Busy',
        activity,
        expirationDuration: `PT${minutes}M`,
      });
    } catch (err) {
      throw toAppError(err, 'set Teams call presence');
    }
  }

  /** Clears the connector's session; a session that no longer exists (404) is already what we want. */
  async clearCallPresence(teamsUserId: string): Promise<void> {
    try {
      await this.client.api(`/users/${encodeURIComponent(teamsUserId)}/presence/clearPresence`).post({ sessionId: this.sessionId });
    } catch (err) {
      if (graphStatus(err) === 404) return;
      throw toAppError(err, 'clear Teams call presence');
    }
  }
}
