import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../server/errors.js';
import { startHarness, type Harness } from '../fakes/core-harness.js';
import { storedState } from './garbage.js';

/** Each shipped preset mutated field by field, through the import API and through seedPresets on a temp folder. */
const PRESETS = readdirSync('mappings').filter((f) => f.endsWith('.json') && !f.endsWith('.schema.json'));
const read = (f: string): Record<string, any> => JSON.parse(readFileSync(join('mappings', f), 'utf8'));

/** [what, mutation, field named by seedPresets, field named by the HTTP import when it differs]. */
type Mutation = [string, (p: Record<string, any>) => void, string, string?];
const MUTATIONS: Mutation[] = [
  ['name removed', (p) => delete p.name, 'name'],
  ['name blank', (p) => (p.name = '   '), 'name'],
  ['name a number', (p) => (p.name = 7), 'name'],
  ['id with spaces', (p) => (p.id = 'Bad Id'), 'id'],
  ['id an object', (p) => (p.id = { x: 1 }), 'id'],
  ['description too long', (p) => (p.description = 'd'.repeat(501)), 'description'],
  ['vendor not a string', (p) => (p.vendor = ['x']), 'vendor'],
  ['rules not an array', (p) => (p.rules = { teamsState: 'InACall' }), 'rules'],
  ['rules removed', (p) => delete p.rules, 'rules'],
  ['rule duplicated', (p) => p.rules.push({ ...p.rules[0] }), 'rules'],
  ['unknown Teams state', (p) => (p.rules[0].teamsState = 'Sleeping'), 'rules[0].teamsState'],
  ['rule without idle code', (p) => delete p.rules[0].idleCodeName, 'rules[0]'],
  // A file names each code one way; over HTTP a rule may carry both (a profile read with GET is PUT back as it is),
  // as long as they name the same code.
  ['rule whose id and name disagree', (p) => (p.rules[0].idleCodeId = p.rules[0].idleCodeName === 'Teams Call' ? 'code-3' : 'code-0'), 'rules[0]', 'rules[0].idleCodeName'],
  ['rule with an unknown id beside its name', (p) => (p.rules[0].idleCodeId = 'no-such-code'), 'rules[0]', 'rules[0].idleCodeId'],
  ['unknown idle code', (p) => (p.rules[0].idleCodeName = 'No Such Code'), 'rules[0].idleCodeName'],
  ['system idle code', (p) => (p.rules[0].idleCodeName = 'RONA'), 'rules[0].idleCodeName'],
  ['inactive idle code', (p) => (p.rules[0].idleCodeName = 'Legacy Huddle'), 'rules[0].idleCodeName'],
  ['rule with an unknown field', (p) => (p.rules[0].colour = 'red'), 'rules[0]'],
  ['rule null', (p) => (p.rules[0] = null), 'rules[0]'],
  ['settleDelayMs negative', (p) => (p.settleDelayMs = -1), 'settleDelayMs'],
  ['settleDelayMs a string', (p) => (p.settleDelayMs = '3000'), 'settleDelayMs'],
  ['settleDelayMs too large', (p) => (p.settleDelayMs = 600_001), 'settleDelayMs'],
  ['settleDelayMs fractional', (p) => (p.settleDelayMs = 1.5), 'settleDelayMs'],
  ['syncMode unknown', (p) => (p.syncMode = 'sideways'), 'syncMode'],
  ['releaseOnDisable a string', (p) => (p.releaseOnDisable = 'yes'), 'releaseOnDisable'],
  ['unknown top-level field', (p) => (p.priority = 1), '(body)'],
];

let h: Harness;
let dir: string;
beforeAll(async () => {
  h = await startHarness();
  dir = mkdtempSync(join(tmpdir(), 'tpc-presets-'));
});
afterAll(async () => {
  await h.connector.close();
  rmSync(dir, { recursive: true, force: true });
});

const cases = PRESETS.flatMap((file) => MUTATIONS.map(([what, mutate, field, httpField]) => ({ file, what, mutate, field, httpField: httpField ?? field })));

describe('POST /api/profiles/import with mutated presets', () => {
  it('the presets themselves are valid and stored', () => {
    expect(PRESETS.length).toBeGreaterThanOrEqual(6);
    for (const f of PRESETS) expect(h.connector.services.registry.profiles.has(read(f).id), f).toBe(true);
  });

  it.each(cases)('$file: $what → 400 naming $httpField, stored profiles unchanged', async ({ file, mutate, httpField }) => {
    const before = await storedState(h);
    const body = read(file);
    mutate(body);
    const res = await h.api('/api/profiles/import', { method: 'POST', key: h.keys.supervisor, body });
    expect(res.status, JSON.stringify(res.body)).toBe(400);
    expect(res.body.error.code).toBe('invalid');
    expect(res.body.error.field).toBe(httpField);
    expect(await storedState(h)).toBe(before);
  });
});

describe('seedPresets on a folder with one mutated preset', () => {
  it.each(cases)('$file: $what → AppError naming the file and $field, nothing added', ({ file, what, mutate, field }) => {
    const sub = mkdtempSync(join(dir, 'case-'));
    const body = read(file);
    if (typeof body.id === 'string') body.id = `mutant-${body.id}`;
    mutate(body);
    writeFileSync(join(sub, file), JSON.stringify(body));
    const before = h.connector.stores.profiles.all().length;
    let err: unknown;
    try {
      h.connector.services.profiles.seedPresets(sub);
    } catch (e) {
      err = e;
    }
    expect(err, what).toBeInstanceOf(AppError);
    expect((err as AppError).message).toContain(`mapping file ${file}`);
    expect((err as AppError).field).toBe(field === 'id' ? 'id' : field);
    expect(h.connector.stores.profiles.all().length).toBe(before);
  });

  it.each([
    ['not JSON', '{"name": "x", '],
    ['null', 'null'],
    ['an array', '[]'],
    ['a number', '5'],
    ['empty', ''],
  ])('a file that is %s → a named AppError, nothing added', (_name, text) => {
    const sub = mkdtempSync(join(dir, 'raw-'));
    writeFileSync(join(sub, 'broken.json'), text);
    const before = h.connector.stores.profiles.all().length;
    expect(() => h.connector.services.profiles.seedPresets(sub)).toThrow(/mapping file broken\.json/);
    try {
      h.connector.services.profiles.seedPresets(sub);
    } catch (e) {
      expect(e).toBeInstanceOf(AppError);
    }
    expect(h.connector.stores.profiles.all().length).toBe(before);
  });
});
