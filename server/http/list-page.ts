import type { Response } from 'express';
import { z } from 'zod';
import { invalid } from '../errors.js';

/**
 * Paging for the lists that answer a plain array (teams, idle codes, profiles): at most `limit` items (≤ `max`, by
 * default all of a normal tenant's), `after` = the id the previous page ended with, and `X-Next-Cursor` naming that id
 * when more follow. The array shape stays, so clients that read one page see the same answer as before.
 */
export const NEXT_CURSOR_HEADER = 'X-Next-Cursor';

export const listPageQuery = (max: number) =>
  z
    .object({
      after: z.string().min(1).max(200).meta({ description: `Cursor: the ${NEXT_CURSOR_HEADER} of the previous page` }).optional(),
      limit: z.coerce.number().int().min(1).max(max).default(max),
    })
    .strict();

export const nextCursorDoc = { [NEXT_CURSOR_HEADER]: 'The `after` value of the next page (absent on the last page)' };

export function pageArray<T>(items: readonly T[], idOf: (item: T) => string, query: { after?: string | undefined; limit: number }, res: Response): T[] {
  const from = query.after === undefined ? 0 : items.findIndex((i) => idOf(i) === query.after) + 1;
  if (query.after !== undefined && from === 0) throw invalid(`no item "${query.after}" to continue after`, 'after');
  const page = items.slice(from, from + query.limit);
  if (from + query.limit < items.length) res.setHeader(NEXT_CURSOR_HEADER, idOf(page[page.length - 1]!));
  return page;
}
