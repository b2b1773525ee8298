import type { EmuResult } from './graph-http.js';

/**
 * The emulator's minimal sign-in pages. Only the shape matters to a client: the authorize request ends in a
 * 302 to the redirect URI with `code` and `state`. The input names and ids (`loginfmt`/`i0116`,
 * `passwd`/`i0118`, `idSIButton9`) are the ones Microsoft's own sign-in page uses, so browser automation
 * written for the real page finds the same fields.
 */

const escape = (s: string): string =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

function page(title: string, body: string, status = 200): EmuResult {
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escape(title)}</title>
<style>
body{font-family:system-ui,sans-serif;background:#f2f2f2;margin:0;display:flex;min-height:100vh;align-items:center;justify-content:center}
main{background:#fff;padding:44px;width:min(440px,90vw);box-shadow:0 2px 6px rgba(0,0,0,.2)}
h1{font-size:1.5rem;font-weight:600;margin:0 0 16px}label{display:block;margin:12px 0 4px}
input[type=text],input[type=email],input[type=password]{width:100%;box-sizing:border-box;padding:6px;font-size:1rem}
.row{display:flex;gap:8px;justify-content:flex-end;margin-top:24px}button{padding:6px 18px;font-size:1rem}
.primary{background:#0067b8;color:#fff;border:0}.error{color:#e81123}.muted{color:#555}
</style></head><body><main>${body}</main></body></html>`;
  return { status, headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', 'x-frame-options': 'DENY' }, body: html };
}

export function signInPage(tenant: string, flowId: string, loginHint: string | null, error: string | null): EmuResult {
  return page(
    'Sign in to your account',
    `<h1>Sign in</h1>
<p class="muted">Microsoft identity platform emulator</p>
<form method="post" action="/${encodeURIComponent(tenant)}/login">
<input type="hidden" name="flow" value="${escape(flowId)}">
${error ? `<p class="error" role="alert" id="passwordError">${escape(error)}</p>` : ''}
<label for="i0116">Email, phone, or Skype</label>
<input type="email" id="i0116" name="loginfmt" autocomplete="username" required value="${escape(loginHint ?? '')}">
<label for="i0118">Password</label>
<input type="password" id="i0118" name="passwd" autocomplete="current-password" required>
<div class="row"><button type="submit" class="primary" id="idSIButton9">Sign in</button></div>
</form>`,
    error ? 400 : 200,
  );
}

export function mfaPage(tenant: string, flowId: string, upn: string): EmuResult {
  return page(
    'Approve sign in request',
    `<h1>Approve sign in request</h1>
<p>${escape(upn)}</p>
<p class="muted">Open your Authenticator app and approve the request to sign in.</p>
<form method="post" action="/${encodeURIComponent(tenant)}/SAS/ProcessAuth">
<input type="hidden" name="flow" value="${escape(flowId)}">
<div class="row">
<button type="submit" name="decision" value="deny" id="mfaDeny">Deny</button>
<button type="submit" name="decision" value="approve" class="primary" id="mfaApprove">Approve</button>
</div>
</form>`,
  );
}

/** Errors Microsoft shows on its own page instead of redirecting (unknown client, unregistered redirect URI). */
export function errorPage(aadsts: number, message: string): EmuResult {
  return page('Sign in', `<h1>Sorry, but we’re having trouble signing you in.</h1><p class="error" role="alert" id="errorCode">AADSTS${aadsts}: ${escape(message)}</p>`, 400);
}

/** `response_mode=form_post`: an auto-submitting form that POSTs the response to the redirect URI. */
export function formPostPage(redirectUri: string, fields: Record<string, string>): EmuResult {
  const inputs = Object.entries(fields)
    .map(([k, v]) => `<input type="hidden" name="${escape(k)}" value="${escape(v)}">`)
    .join('');
  return page('Working…', `<form method="post" action="${escape(redirectUri)}" id="post">${inputs}<noscript><button type="submit">Continue</button></noscript></form><script>document.getElementById('post').submit()</script>`);
}
