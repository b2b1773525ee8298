/**
 * Request bodies for both emulator routers: read up to a cap (413 past it), then JSON, or form-encoded for OAuth
 * token requests.
 */
import type { IncomingMessage } from 'node:http';

export class BodyTooLargeError extends Error {}

/** Reads a request body up to `max` bytes; throws `BodyTooLargeError` (and stops reading) past it. */
export async function readRawBody(req: IncomingMessage, max: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > max) throw new BodyTooLargeError(`body over ${max} bytes`);
    chunks.push(chunk);
  }
  return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
}

/** JSON text → value; an empty body is `undefined`. */
export function parseJson(raw: Buffer): { ok: true; value: unknown } | { ok: false } {
  if (raw.length === 0) return { ok: true, value: undefined };
  try {
    return { ok: true, value: JSON.parse(raw.toString('utf8')) };
  } catch {
    return { ok: false };
  }
}

/** A body as JSON, or as `application/x-www-form-urlencoded` (OAuth token requests) when the content type says so. */
export function parseBody(raw: Buffer, contentType: string | undefined): { value?: unknown; error?: string; status: number } {
  if (raw.length === 0) return { value: undefined, status: 200 };
  if ((contentType ?? '').startsWith('application/x-www-form-urlencoded')) {
    return { value: Object.fromEntries(new URLSearchParams(raw.toString('utf8'))), status: 200 };
  }
  const parsed = parseJson(raw);
  return parsed.ok ? { value: parsed.value, status: 200 } : { error: 'request body is not valid JSON', status: 400 };
}

export async function readBody(req: IncomingMessage, max: number): Promise<{ value?: unknown; error?: string; status: number }> {
  let raw: Buffer;
  try {
    raw = await readRawBody(req, max);
  } catch (err) {
    if (err instanceof BodyTooLargeError) return { error: 'request body too large', status: 413 };
    throw err;
  }
  return parseBody(raw, req.headers['content-type']);
}
