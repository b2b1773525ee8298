import { Router } from 'express';
import { z } from 'zod';
import { AppError } from '../errors.js';
import type { ServiceAccountSignIn } from '../graph/service-account-port.js';
import type { Logger } from '../logger.js';
import type { Services } from '../services/index.js';
import { apiRoute, apiRoutes, handle } from './api-route.js';
import { requireRole } from './auth.js';

/**
 * Delegated Graph service accounts on the admin page: their sign-in states, "Sign in service account" (the
 * authorization-code flow with PKCE: the answer names Microsoft's sign-in page, the browser goes there and
 * comes back to GET /auth/graph/callback), and sign-out. The callback is unauthenticated (it is a browser
 * redirect from Microsoft); the single-use state minted for an authenticated admin is its credential.
 */
import { SIGN_IN_CALLBACK_PATH } from '../ports.js';

export { SIGN_IN_CALLBACK_PATH };

const accountParams = z.object({ username: z.string().min(3).max(256) }).strict();
const signInQuery = z
  .object({
    /** Where the browser returns after the sign-in (the admin page); without it a short page says the result. */
    returnTo: z.string().url().max(2048).optional(),
  })
  .strict();

const accountState = z
  .object({
    username: z.string(),
    state: z.enum(['signed-in', 'sign-in-required', 'never-signed-in']),
    detail: z.string().nullable(),
    signedInAt: z.number().nullable(),
    renewedAt: z.number().nullable(),
  })
  .meta({ id: 'ServiceAccountState' });

const listResponse = z
  .object({
    /** 'authorization-code' when service accounts sign in interactively here; null otherwise (none, or the ROPC opt-in). */
    mode: z.enum(['authorization-code']).nullable(),
    redirectUri: z.string().nullable(),
    accounts: z.array(accountState),
  })
  .meta({ id: 'ServiceAccounts' });

const signInResponse = z.object({ username: z.string(), authorizeUrl: z.string(), expiresAt: z.number() }).meta({ id: 'ServiceAccountSignIn' });

export const SERVICE_ACCOUNT_ROUTES = apiRoutes('/api/admin/service-accounts', {
  list: apiRoute({
    method: 'get',
    path: '/',
    operationId: 'listServiceAccounts',
    summary: 'The delegated Graph service accounts of subscribe mode and whether each is signed in or needs a new sign-in',
    roles: ['admin'],
    response: listResponse,
  }),
  signIn: apiRoute({
    method: 'post',
    path: '/:username/sign-in',
    operationId: 'startServiceAccountSignIn',
    summary: 'Start signing a service account in (authorization code + PKCE): open authorizeUrl in the browser; it returns to /auth/graph/callback',
    roles: ['admin'],
    params: accountParams,
    query: signInQuery,
    response: signInResponse,
    errors: [404, 409],
  }),
  signOut: apiRoute({
    method: 'delete',
    path: '/:username/sign-in',
    operationId: 'signOutServiceAccount',
    summary: 'Forget a service account’s tokens; it must be signed in again before subscribe mode can use it',
    roles: ['admin'],
    params: accountParams,
    response: null,
    errors: [404, 409],
  }),
});

function signInOf(s: Services): ServiceAccountSignIn {
  const sa = s.serviceAccounts;
  if (!sa) throw new AppError('conflict', 'no service accounts sign in interactively here: configure graph.serviceAccounts with graph.serviceAccountAuth=authorization-code', 'graph.serviceAccounts');
  return sa;
}

export function createServiceAccountRouter(s: Services): Router {
  const r = Router();
  r.use(requireRole('admin'));
  const R = SERVICE_ACCOUNT_ROUTES.routes;
  handle(r, R.list, () => {
    const sa = s.serviceAccounts;
    return { mode: sa ? ('authorization-code' as const) : null, redirectUri: sa?.redirectUri ?? null, accounts: sa ? sa.status() : [] };
  });
  handle(r, R.signIn, ({ params, query }) => signInOf(s).beginSignIn(params.username, query.returnTo));
  handle(r, R.signOut, async ({ params }) => {
    await signInOf(s).signOut(params.username);
  });
  return r;
}

const escape = (t: string): string => t.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** GET /auth/graph/callback: completes the sign-in, then sends the browser back to the admin page. */
export function createSignInCallbackRouter(signIn: ServiceAccountSignIn, logger: Logger): Router {
  const r = Router();
  r.get(SIGN_IN_CALLBACK_PATH, (req, res) => {
    const q = req.query;
    const str = (v: unknown): string | undefined => (typeof v === 'string' && v.length <= 8192 ? v : undefined);
    signIn
      .completeSignIn({ code: str(q.code), state: str(q.state), error: str(q.error), error_description: str(q.error_description) })
      .then((outcome) => {
        res.set('cache-control', 'no-store');
        if (outcome.returnTo) {
          const back = new URL(outcome.returnTo);
          back.searchParams.set('serviceAccountSignIn', outcome.ok ? 'ok' : 'failed');
          if (outcome.username) back.searchParams.set('serviceAccount', outcome.username);
          if (!outcome.ok) back.searchParams.set('serviceAccountError', outcome.message.slice(0, 500));
          res.redirect(303, back.toString());
          return;
        }
        const text = outcome.ok ? `Service account ${outcome.username} is signed in. You can close this window.` : outcome.message;
        res.status(outcome.ok ? 200 : 400).type('html').send(`<!doctype html><html lang="en"><meta charset="utf-8"><title>Service account sign-in</title><p role="status">${escape(text)}</p></html>`);
      })
      .catch((err: unknown) => {
        logger.error({ err }, 'service account sign-in callback failed');
        res.status(500).type('text').send('sign-in failed');
      });
  });
  return r;
}
