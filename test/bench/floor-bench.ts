import { createServer, Agent, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Server } from 'socket.io';
import { io as connect } from 'socket.io-client';
import { summarize, type Summary } from './stats.js';

/**
 * The raw floor on this machine, measured in the benchmark's own run: one loopback HTTP request/response on a
 * keep-alive connection, one socket.io push from server to client, one better-sqlite3 insert in WAL mode
 * outside a transaction. The connector's path is a handful of these, so its overhead is reported against them.
 */

export interface Floor {
  httpRoundTrip: Summary;
  socketIoPush: Summary;
  sqliteWalInsert: Summary;
}

const now = (): number => performance.timeOrigin + performance.now();

async function httpFloor(samples: number): Promise<Summary> {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(202, { 'content-type': 'application/json' });
      res.end('{"ok":true}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const { port } = server.address() as AddressInfo;
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const one = (): Promise<void> =>
    new Promise((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, method: 'PUT', path: '/state', agent, headers: { 'content-type': 'application/json' } }, (res) => {
        res.resume();
        res.on('end', () => resolve());
      });
      req.on('error', reject);
      req.end('{"state":"Idle"}');
    });
  for (let i = 0; i < 200; i++) await one();
  const out: number[] = [];
  for (let i = 0; i < samples; i++) {
    const t = now();
    await one();
    out.push(now() - t);
  }
  agent.destroy();
  await new Promise<void>((r) => server.close(() => r()));
  return summarize(out);
}

async function socketFloor(samples: number): Promise<Summary> {
  const server = createServer();
  const io = new Server(server, { serveClient: false });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const { port } = server.address() as AddressInfo;
  const client = connect(`http://127.0.0.1:${port}`, { transports: ['websocket'] });
  const socket = await new Promise<import('socket.io').Socket>((r) => io.once('connection', r));
  await new Promise<void>((r) => (client.connected ? r() : client.once('connect', () => r())));
  const out: number[] = [];
  const push = (): Promise<number> =>
    new Promise((resolve) => {
      client.once('view', (sentAt: number) => resolve(now() - sentAt));
      socket.emit('view', now());
    });
  for (let i = 0; i < 200; i++) await push();
  for (let i = 0; i < samples; i++) out.push(await push());
  client.close();
  await new Promise<void>((r) => io.close(() => r()));
  return summarize(out);
}

function sqliteFloor(samples: number): Summary {
  const dir = mkdtempSync(join(tmpdir(), 'tpc-floor-'));
  const db = new Database(join(dir, 'floor.db'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec('CREATE TABLE audit (id INTEGER PRIMARY KEY, at INTEGER NOT NULL, agent_id TEXT NOT NULL, reason TEXT NOT NULL, inputs TEXT NOT NULL)');
  const insert = db.prepare('INSERT INTO audit (at, agent_id, reason, inputs) VALUES (?, ?, ?, ?)');
  const inputs = JSON.stringify({ presence: { availability: 'Busy', activity: 'InACall' }, cc: { state: 'Available' } });
  for (let i = 0; i < 500; i++) insert.run(Date.now(), `agent-${i}`, 'mapped', inputs);
  const out: number[] = [];
  for (let i = 0; i < samples; i++) {
    const t = now();
    insert.run(Date.now(), `agent-${i}`, 'mapped', inputs);
    out.push(now() - t);
  }
  db.close();
  rmSync(dir, { recursive: true, force: true });
  return summarize(out);
}

export async function measureFloor(samples = 3_000): Promise<Floor> {
  return { httpRoundTrip: await httpFloor(samples), socketIoPush: await socketFloor(samples), sqliteWalInsert: sqliteFloor(samples * 3) };
}
