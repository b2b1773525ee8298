/**
 * What the HTTP layer needs from the delegated service accounts' sign-in (implemented by ServiceAccountAuth):
 * their states for the admin page, the start of an interactive sign-in, its completion on the redirect back,
 * and sign-out.
 */
export interface ServiceAccountStatusView {
  username: string;
  /** 'never-signed-in' until an administrator signs it in; 'sign-in-required' after a refused renewal. */
  state: 'signed-in' | 'sign-in-required' | 'never-signed-in';
  detail: string | null;
  signedInAt: number | null;
  renewedAt: number | null;
}

export interface ServiceAccountSignIn {
  readonly redirectUri: string | undefined;
  status(): ServiceAccountStatusView[];
  beginSignIn(username: string, returnTo?: string): Promise<{ username: string; authorizeUrl: string; expiresAt: number }>;
  /** Never throws: a failed sign-in is an answer the browser is sent back with. */
  completeSignIn(query: SignInCallbackQuery): Promise<SignInOutcome>;
  signOut(username: string): Promise<void>;
}

export interface SignInCallbackQuery {
  code?: string;
  state?: string;
  error?: string;
  error_description?: string;
}

export type SignInOutcome =
  | { ok: true; username: string; returnTo: string | null }
  | { ok: false; username: string | null; message: string; returnTo: string | null };
