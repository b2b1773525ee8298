import { AppError } from '../../errors.js';
import type { TokenSource } from './webex-token-source.js';
import { obj, str } from './webex-payload.js';
import { bareUserId } from './webex-command-ledger.js';

/**
 * The People API on the identity origin (`GET {identity}/v1/people/me`, https://developer.webex.com/docs/api/v1/people/get-my-own-details),
 * not on the contact-center host. It verifies agent widget tokens (the Desktop's `$STORE.auth.accessToken`) and
 * tells the admin page whom the connector acts as. These calls do not count against the contact center's
 * per-client budget; a failed lookup is an error, a refused token is `null`.
 */

export interface Person {
  /** Bare user uuid (the People API's base64 Hydra id decoded), which contact-center payloads call agentId. */
  id: string;
  displayName: string;
  emails: string[];
  orgId: string | null;
}

export class WebexIdentity {
  constructor(
    private readonly baseUrl: string,
    private readonly timeoutMs = 10_000,
  ) {}

  /** The person behind a token, or null when the identity service refuses the token. */
  async me(token: string): Promise<Person | null> {
    if (!token) return null;
    let res: Response;
    try {
      res = await fetch(`${this.baseUrl.replace(/\/+$/, '')}/v1/people/me`, {
        headers: { authorization: `Bearer ${token}`, accept: 'application/json' },
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (err) {
      throw new AppError('unavailable', `Webex People API failed: ${(err as Error).name === 'TimeoutError' ? 'timed out' : 'network error'}`);
    }
    if (res.status === 401 || res.status === 403) {
      await res.body?.cancel().catch(() => undefined);
      return null;
    }
    const body = obj(await res.json().catch(() => null));
    if (!res.ok) throw new AppError('upstream', `Webex People API answered ${res.status}`);
    const id = str(body.id);
    if (!id) throw new AppError('upstream', 'Webex People API answered without a person id');
    const emails = Array.isArray(body.emails) ? body.emails.filter((e): e is string => typeof e === 'string') : [];
    return { id: bareUserId(id), displayName: str(body.displayName) ?? emails[0] ?? id, emails, orgId: str(body.orgId) ?? null };
  }

  /** Whom the connector's own credential belongs to. */
  async whoAmI(tokens: TokenSource): Promise<Person | null> {
    return this.me(await tokens.token());
  }
}
