import { z } from 'zod';
import { AppError } from './errors.js';

/** Configuration addresses that must be https:// (config-urls.ts), re-exported for config.ts. */
export { insecureUrls } from './config-urls.js';

/** "rules[2].idleCodeId" from a zod issue path. */
export function fieldPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out ? `.${String(part)}` : String(part);
  }
  return out;
}

export function describeIssues(error: z.ZodError, prefix?: string): { field: string; message: string }[] {
  return error.issues.map((issue) => {
    const field = fieldPath([...(prefix ? [prefix] : []), ...issue.path]) || '(body)';
    return { field, message: issue.message };
  });
}

/** Parses with the schema or throws an `invalid` AppError whose message names every bad field. */
export function parseOrThrow<S extends z.ZodType>(schema: S, value: unknown, what: string, prefix?: string): z.infer<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const problems = describeIssues(result.error, prefix);
  const first = problems[0]!;
  const text = problems.map((p) => `${p.field}: ${p.message}`).join('; ');
  throw new AppError('invalid', `invalid ${what}: ${text}`, first.field, problems);
}
