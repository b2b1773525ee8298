import type { Harness } from '../fakes/core-harness.js';

/** Small seeded generators of junk values (mulberry32), so a failing case can be replayed from its seed. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pick = <T>(r: () => number, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
const NUMBERS = [0, -1, -0.5, 1.5, 1e300, -1e300, 2 ** 53 + 1, 481, 9_999_999];
const STRINGS = ['', ' ', 'x'.repeat(5_000), '\u0000', '<script>', '__proto__', 'null', '1', 'true', '🙂'.repeat(50)];

/** A random JSON value; depth-bounded. */
export function junk(r: () => number, depth = 0): unknown {
  const kind = pick(r, depth > 2 ? ['number', 'string', 'boolean', 'null'] : ['number', 'string', 'boolean', 'null', 'array', 'object', 'proto']);
  switch (kind) {
    case 'number':
      return pick(r, NUMBERS);
    case 'string':
      return pick(r, STRINGS);
    case 'boolean':
      return r() < 0.5;
    case 'null':
      return null;
    case 'array':
      return Array.from({ length: Math.floor(r() * 3) }, () => junk(r, depth + 1));
    case 'object':
      return { [pick(r, ['a', 'constructor', 'toString', 'rules'])]: junk(r, depth + 1) };
    default:
      return JSON.parse('{"__proto__": {"polluted": true}}');
  }
}

/** A junk value the predicate rejects (retries until one does). */
export function junkWhere(r: () => number, invalid: (v: unknown) => boolean): unknown {
  for (;;) {
    const v = junk(r);
    if (invalid(v)) return v;
  }
}

/** Raw request bodies no route may accept as its input. */
export const RAW_GARBAGE: [string, string][] = [
  ['truncated JSON', '{"name": '],
  ['not JSON', 'hello'],
  ['NaN literal', '{"minutes": NaN, "enabled": NaN}'],
  ['Infinity literal', '{"minutes": Infinity}'],
  ['single quotes', "{'name': 'x'}"],
  ['trailing comma', '{"name": "x",}'],
];

/** Parsed-JSON bodies that are the wrong shape for every route with a body. */
const j = JSON.stringify;
export const JSON_GARBAGE: [string, string][] = [
  ['null', 'null'],
  ['number', '42'],
  ['negative', '-1'],
  ['huge number', '1e308'],
  ['overflowing number', '1e309'],
  ['string', j('a string')],
  ['boolean', 'true'],
  ['empty array', '[]'],
  ['array of objects', j([{ name: 'x', rules: [] }])],
  ['empty object', '{}'],
  ['unknown fields only', j({ hello: 'world', nested: { a: [1, { b: null }] } })],
  ['__proto__ key', '{"__proto__": {"polluted": true, "role": "admin"}}'],
  ['constructor.prototype', j({ constructor: { prototype: { polluted: true } } })],
  ['huge string', j({ name: 'n'.repeat(200_000), minutes: 'm'.repeat(10) })],
  ['nested junk', j({ a: { b: { c: { d: [[[[{}]]]] } } } })],
  ['deep nesting', `${'['.repeat(100_000)}${']'.repeat(100_000)}`],
  ['deep object nesting', `${'{"a":'.repeat(20_000)}1${'}'.repeat(20_000)}`],
];

/** Everything a bad request must not change. */
export async function storedState(h: Harness): Promise<string> {
  const s = h.connector.stores;
  const agents = await h.api('/api/agents', { key: h.keys.supervisor });
  return JSON.stringify({
    profiles: s.profiles.all(),
    audit: s.audit.count(),
    agents: agents.body,
    teams: [...h.connector.services.registry.teams.values()],
    lifecycle: h.connector.services.registry.lifecycle,
  });
}

export const polluted = (): boolean => 'polluted' in ({} as object) || 'role' in ({} as object);
