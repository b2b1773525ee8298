import type { GraphEmulatorClient } from '../../emulators/graph/emulator-client.js';

/**
 * Walks the Graph emulator's sign-in pages over HTTPS the way a browser does (follows the form posts, not the
 * emulator's internals) and returns where Microsoft sends the browser back: the redirect URI with code/state
 * or error, or the page that stopped the flow.
 */
export interface SignInWalk {
  /** The 302 Location back to the redirect URI, when the flow got there. */
  redirect: URL | null;
  /** The last HTML page (error page or a page asking again) when it did not. */
  page: { status: number; text: string } | null;
  sawMfaPrompt: boolean;
}

export async function walkSignIn(
  c: GraphEmulatorClient,
  authorizeUrl: string,
  o: { username: string; password: string; mfa?: 'approve' | 'deny' },
): Promise<SignInWalk> {
  const u = new URL(authorizeUrl);
  const first = await c.request('GET', `${u.pathname}${u.search}`);
  if (first.status === 302) return { redirect: new URL(String(first.headers.location)), page: null, sawMfaPrompt: false };
  const flow = /name="flow" value="([^"]+)"/.exec(first.text)?.[1];
  const action = /<form method="post" action="([^"]+)"/.exec(first.text)?.[1];
  if (!flow || !action) return { redirect: null, page: { status: first.status, text: first.text }, sawMfaPrompt: false };
  const login = await c.request('POST', action, { form: { flow, loginfmt: o.username, passwd: o.password } });
  if (login.status === 302) return { redirect: new URL(String(login.headers.location)), page: null, sawMfaPrompt: false };
  const mfaAction = /<form method="post" action="([^"]+\/SAS\/ProcessAuth)"/.exec(login.text)?.[1];
  if (!mfaAction || !o.mfa) return { redirect: null, page: { status: login.status, text: login.text }, sawMfaPrompt: Boolean(mfaAction) };
  const mfa = await c.request('POST', mfaAction, { form: { flow, decision: o.mfa } });
  if (mfa.status === 302) return { redirect: new URL(String(mfa.headers.location)), page: null, sawMfaPrompt: true };
  return { redirect: null, page: { status: mfa.status, text: mfa.text }, sawMfaPrompt: true };
}
