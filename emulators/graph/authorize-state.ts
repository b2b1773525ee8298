import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { UserRecord } from './directory-store.js';
import type { EmulatorClock } from './emulator-clock.js';

/**
 * State of the authorization-code flow: sign-in flows in progress (between the authorize request and the
 * redirect back), issued authorization codes, which users need multifactor authentication, and the
 * application's registered redirect URIs. All times are on the emulator clock.
 */

/** Microsoft: "Authorization codes are short lived. Typically, they expire after about 10 minutes." */
export const CODE_LIFETIME_MS = 10 * 60_000;
/** How long a sign-in page stays usable (the real page's flow token lifetime is not documented). */
export const FLOW_LIFETIME_MS = 30 * 60_000;

export interface AuthorizeRequest {
  clientId: string;
  redirectUri: string;
  scope: string;
  state: string | null;
  nonce: string | null;
  codeChallenge: string | null;
  codeChallengeMethod: 'S256' | 'plain' | null;
  responseMode: 'query' | 'form_post';
  loginHint: string | null;
}

export interface SignInFlow {
  id: string;
  request: AuthorizeRequest;
  /** Set once the password was right and the user still has to approve the MFA request. */
  mfaUser: UserRecord | null;
  expiresAt: number;
}

interface IssuedCode {
  clientId: string;
  redirectUri: string;
  codeChallenge: string | null;
  codeChallengeMethod: 'S256' | 'plain' | null;
  user: UserRecord;
  expiresAt: number;
  redeemed: boolean;
}

export type CodeRedemption =
  | { ok: true; user: UserRecord }
  | { ok: false; aadsts: number; error: string; description: string };

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * Redirect URI matching as the Microsoft identity platform documents it: the URI must be registered; the
 * path is case-sensitive; for loopback (`localhost`, `127.0.0.1`) redirect URIs the port is ignored.
 */
export function redirectUriMatches(registered: string, requested: string): boolean {
  let a: URL;
  let b: URL;
  try {
    a = new URL(registered);
    b = new URL(requested);
  } catch {
    return false;
  }
  if (a.protocol !== b.protocol || a.hostname.toLowerCase() !== b.hostname.toLowerCase()) return false;
  if (a.pathname !== b.pathname || a.search !== b.search) return false;
  return LOOPBACK_HOSTS.has(b.hostname.toLowerCase()) || a.port === b.port;
}

function s256(verifier: string): string {
  return createHash('sha256').update(verifier).digest('base64url');
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export class AuthorizeState {
  /** Object ids of the users who must complete multifactor authentication. */
  readonly mfaUsers = new Set<string>();
  redirectUris: string[];
  private readonly flows = new Map<string, SignInFlow>();
  private readonly codes = new Map<string, IssuedCode>();

  constructor(
    private readonly clock: EmulatorClock,
    redirectUris: readonly string[] = [],
  ) {
    this.redirectUris = [...redirectUris];
  }

  requiresMfa(user: UserRecord): boolean {
    return this.mfaUsers.has(user.id);
  }

  redirectAllowed(uri: string): boolean {
    return this.redirectUris.some((r) => redirectUriMatches(r, uri));
  }

  startFlow(request: AuthorizeRequest): SignInFlow {
    this.sweep();
    const flow: SignInFlow = { id: randomBytes(24).toString('base64url'), request, mfaUser: null, expiresAt: this.clock.now() + FLOW_LIFETIME_MS };
    this.flows.set(flow.id, flow);
    return flow;
  }

  flow(id: string): SignInFlow | undefined {
    const flow = this.flows.get(id);
    if (!flow || flow.expiresAt <= this.clock.now()) return undefined;
    return flow;
  }

  endFlow(id: string): void {
    this.flows.delete(id);
  }

  /** Ends the flow and returns a single-use authorization code for its user. */
  issueCode(flow: SignInFlow, user: UserRecord): string {
    this.flows.delete(flow.id);
    const code = `1.emu.${randomBytes(48).toString('base64url')}`;
    const r = flow.request;
    this.codes.set(code, {
      clientId: r.clientId,
      redirectUri: r.redirectUri,
      codeChallenge: r.codeChallenge,
      codeChallengeMethod: r.codeChallengeMethod,
      user,
      expiresAt: this.clock.now() + CODE_LIFETIME_MS,
      redeemed: false,
    });
    return code;
  }

  /** The token endpoint's checks of an authorization_code grant, in Microsoft's order and with its codes. */
  redeemCode(code: string, clientId: string, redirectUri: string | null, verifier: string | null): CodeRedemption {
    const issued = this.codes.get(code);
    if (!issued || issued.clientId.toLowerCase() !== clientId.toLowerCase()) {
      return { ok: false, aadsts: 9002313, error: 'invalid_grant', description: 'Invalid request. Request is malformed or invalid.' };
    }
    if (issued.redeemed) {
      return { ok: false, aadsts: 54005, error: 'invalid_grant', description: 'OAuth2 Authorization code was already redeemed, please retry with a new valid code or use an existing refresh token.' };
    }
    if (issued.expiresAt <= this.clock.now()) {
      this.codes.delete(code);
      return { ok: false, aadsts: 70008, error: 'invalid_grant', description: 'The provided authorization code or refresh token has expired due to inactivity. Send a new interactive authorization request for this user and resource.' };
    }
    if (redirectUri !== issued.redirectUri) {
      // As observed in a real answer (PartnerCenterSamples/Reseller-Web-Application#73).
      return { ok: false, aadsts: 50011, error: 'invalid_grant', description: `The reply address '${redirectUri ?? ''}' does not match the reply address '${issued.redirectUri}' provided when requesting Authorization code.` };
    }
    if (issued.codeChallenge !== null) {
      const derived = verifier === null ? null : issued.codeChallengeMethod === 'plain' ? verifier : s256(verifier);
      if (derived === null || !sameText(derived, issued.codeChallenge)) {
        return { ok: false, aadsts: 50148, error: 'invalid_grant', description: 'The code_verifier does not match the code_challenge supplied in the authorization request for PKCE.' };
      }
    }
    issued.redeemed = true;
    return { ok: true, user: issued.user };
  }

  private sweep(): void {
    const now = this.clock.now();
    for (const [id, f] of this.flows) if (f.expiresAt <= now) this.flows.delete(id);
    for (const [c, i] of this.codes) if (i.expiresAt <= now) this.codes.delete(c);
  }
}
