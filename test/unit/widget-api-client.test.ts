import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient, ApiError, errorText } from '../../widget/api-client.js';

/** A loopback server that answers like the connector's HTTP API and records what it was sent. */
let server: Server;
let base = '';
const seen: Array<{ method: string; url: string; auth?: string; body: string }> = [];

function handle(req: IncomingMessage, res: ServerResponse): void {
  let body = '';
  req.on('data', (c: Buffer) => (body += c.toString()));
  req.on('end', () => {
    seen.push({ method: req.method ?? '', url: req.url ?? '', auth: req.headers.authorization, body });
    const json = (status: number, value: unknown): void => {
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value));
    };
    switch (`${req.method} ${req.url}`) {
      case 'GET /api/profiles':
        return json(200, [{ id: 'default', name: 'Default' }]);
      case 'PUT /api/profiles/default':
        return json(400, {
          error: {
            code: 'invalid',
            message: 'profile is invalid',
            field: 'rules[1].idleCodeId',
            details: [
              { field: 'rules.1.idleCodeId', message: 'idle code "x" is inactive' },
              { field: 'settleDelayMs', message: 'Too big' },
            ],
          },
        });
      case 'DELETE /api/admin/connector':
        return json(409, { error: { code: 'conflict', message: 'Deactivate the connector first.' } });
      case 'DELETE /api/profiles/gone':
        res.writeHead(204).end();
        return;
      default:
        res.writeHead(502, { 'content-type': 'text/html' }).end('<h1>Bad gateway</h1>');
    }
  });
}

beforeAll(async () => {
  server = createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('widget HTTP client', () => {
  it('sends the bearer token and parses JSON', async () => {
    const api = new ApiClient(base, 'sup-token');
    await expect(api.get('/api/profiles')).resolves.toEqual([{ id: 'default', name: 'Default' }]);
    const last = seen.at(-1);
    expect(last?.auth).toBe('Bearer sup-token');
    expect(last?.url).toBe('/api/profiles');
  });

  it('turns a validation error into field messages keyed like the form inputs', async () => {
    const api = new ApiClient(base, 't');
    const err = await api.put('/api/profiles/default', { name: 'x' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    const apiErr = err as ApiError;
    expect(apiErr.status).toBe(400);
    expect(apiErr.code).toBe('invalid');
    expect(Object.fromEntries(apiErr.fieldErrors())).toEqual({
      'rules[1].idleCodeId': 'idle code "x" is inactive',
      settleDelayMs: 'Too big',
    });
    expect(JSON.parse(seen.at(-1)?.body ?? '')).toEqual({ name: 'x' });
  });

  it('keeps the server message of a conflict', async () => {
    const err = await new ApiClient(base, 't').delete('/api/admin/connector').catch((e: unknown) => e);
    expect((err as ApiError).code).toBe('conflict');
    expect(errorText(err)).toBe('Deactivate the connector first.');
  });

  it('answers 204 with undefined and non-JSON failures with the status line', async () => {
    const api = new ApiClient(base, 't');
    await expect(api.delete('/api/profiles/gone')).resolves.toBeUndefined();
    const err = (await api.get('/elsewhere').catch((e: unknown) => e)) as ApiError;
    expect(err.status).toBe(502);
    expect(err.message).toContain('HTTP 502');
  });

  it('reports an unreachable connector without throwing anything else', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const err = (await new ApiClient(`http://127.0.0.1:${port}`, 't').get('/api/profiles').catch((e: unknown) => e)) as ApiError;
    expect(err.code).toBe('network');
    expect(errorText(new Error('secret detail'))).not.toContain('secret');
  });
});
