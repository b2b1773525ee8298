import { AppError } from '../errors.js';
import { CallBudget } from './call-budget.js';
import { graphStatus } from './graph-errors.js';

/**
 * Directory search shares Microsoft's presence limit (1,500 calls per 30 s per app and tenant) with the presence
 * poller, which owns `budgetShare` of it. The search's presence lookups get their own budget out of what is left —
 * at most a tenth of the limit — so searching can never take a call from the poller: when the search budget is
 * spent, results come without presence. With `budgetShare` 1 the search gets nothing and never reads presence.
 */
export const SEARCH_PRESENCE_SHARE = 0.1;

export function searchPresenceBudget(o: { throttleWindowMs: number; throttleLimit: number; budgetShare: number }): CallBudget | null {
  const share = Math.min(SEARCH_PRESENCE_SHARE, 1 - o.budgetShare);
  if (Math.floor(o.throttleLimit * share) < 1) return null;
  return new CallBudget(o.throttleWindowMs, o.throttleLimit, share);
}

/**
 * Graph's answer to a search mapped to the product's words: the agent never sees Graph's error text (it can echo
 * the query and name internals), only what happened and what to do.
 */
export function searchError(err: unknown): AppError {
  if (err instanceof AppError && err.code !== 'upstream' && err.code !== 'invalid') return new AppError(err.code, 'the directory search is not available right now; try again in a moment');
  const status = graphStatus(err);
  if (status === 429) return new AppError('rate_limited', 'the directory is busy; try again in a moment');
  if (status === 400) return new AppError('invalid', 'this search term cannot be searched; use letters, digits and spaces', 'query');
  if (status === 401 || status === 403) return new AppError('unavailable', 'the directory search is not available: the connector lacks access to the directory (see the admin page)');
  return new AppError('unavailable', `the directory cannot be reached right now${status ? ` (HTTP ${status})` : ''}; try again in a moment`);
}
