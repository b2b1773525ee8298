import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../server/config.js';

/** Bad environment values, config files and secret files: a ConfigError listing every problem, naming the variable. */
const dir = mkdtempSync(join(tmpdir(), 'tpc-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, text: string): string => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toMatch(/^invalid configuration:/);
    return (err as ConfigError).problems;
  }
  throw new Error(`accepted ${JSON.stringify(env)}`);
}

const BAD_ENV: [string, string, RegExp?][] = [
  ['TPC_MODE', 'production', /sandbox/],
  ['TPC_LOG_LEVEL', 'verbose', /trace/],
  ['PORT', 'http', /number/],
  ['TPC_PORT', '70000', /65535/],
  ['TPC_PORT', '-1'],
  ['TPC_PORT', '80.5', /integer|int/],
  ['TPC_PORT', 'Infinity'],
  ['TPC_PUBLIC_URL', 'not a url'],
  ['TPC_COMMAND_TIMEOUT_MS', '-5'],
  ['TPC_RECONCILE_INTERVAL_MS', 'soon'],
  ['TPC_STALE_PRESENCE_MS', 'NaN'],
  ['TPC_STALE_PRESENCE_MS', '1e400'],
  ['TPC_RELEASE_ON_STALE', 'perhaps'],
  ['TPC_ECHO_WINDOW_MS', '0x'],
  ['TPC_GRAPH_AUTHORITY_HOST', 'login.microsoftonline.com'],
  ['TPC_GRAPH_BASE_URL', '://graph'],
  ['TPC_GRAPH_PRESENCE_MODE', 'push'],
  ['TPC_GRAPH_BUDGET_SHARE', '0'],
  ['TPC_GRAPH_BUDGET_SHARE', '1.5'],
  ['TPC_GRAPH_BUDGET_SHARE', '-0.1'],
  ['TPC_GRAPH_THROTTLE_LIMIT', '0'],
  ['TPC_GRAPH_THROTTLE_LIMIT', '2.5'],
  ['TPC_WEBEX_BASE_URL', 'api.wxcc-us1.cisco.com'],
  ['TPC_WEBEX_EVENTS', 'sse', /websocket/],
  ['TPC_WEBEX_WEBHOOK_SECRET', 'short'],
  ['TPC_BOOTSTRAP_ADMIN_KEY', 'too-short'],
];

describe('bad environment values', () => {
  it.each(BAD_ENV)('%s=%j is a ConfigError naming %s', (name, value, pattern) => {
    const problems = problemsOf({ [name]: value });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(`(${name})`);
    if (pattern) expect(problems[0]).toMatch(pattern);
  });

  it('lists every problem at once', () => {
    const env = Object.fromEntries(BAD_ENV.filter(([n]) => n !== 'PORT').map(([n, v]) => [n, v]));
    const problems = problemsOf(env);
    for (const name of Object.keys(env)) expect(problems.some((p) => p.includes(`(${name})`)), name).toBe(true);
  });

  it.each([
    ['true', true],
    ['false', false],
    ['0', false],
    ['1', true],
    ['no', false],
    ['yes', true],
  ])('TPC_RELEASE_ON_STALE=%s means %s', (value, want) => {
    expect(loadConfig({ TPC_RELEASE_ON_STALE: value }).sync.releaseOnStale).toBe(want);
  });

  it('live mode names each missing setting, and subscribe mode needs a public URL', () => {
    const problems = problemsOf({ TPC_MODE: 'live', TPC_GRAPH_PRESENCE_MODE: 'subscribe' });
    for (const name of ['TPC_GRAPH_TENANT_ID', 'TPC_GRAPH_CLIENT_ID', 'graph.clientSecret', 'TPC_WEBEX_BASE_URL', 'TPC_WEBEX_ORG_ID', 'TPC_WEBEX_ACCESS_TOKEN', 'TPC_PUBLIC_URL']) {
      expect(problems.some((p) => p.includes(name)), name).toBe(true);
    }
  });

  it('the returned config is frozen', () => {
    const config = loadConfig({});
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.graph)).toBe(true);
  });
});

describe('config file', () => {
  it.each([
    ['missing', join(dir, 'nope.json'), /ENOENT/],
    ['not JSON', file('broken.json', '{"port": 3000,'), /not valid JSON/],
    ['bare words', file('words.json', 'port = 3000'), /not valid JSON/],
    ['an array', file('array.json', '[1, 2]'), /JSON object/],
    ['null', file('null.json', 'null'), /JSON object/],
    ['a string', file('string.json', '"config"'), /JSON object/],
    ['a directory', dir, /EISDIR|illegal operation/],
  ])('%s → ConfigError naming TPC_CONFIG_FILE', (_name, path, pattern) => {
    const problems = problemsOf({ TPC_CONFIG_FILE: path });
    expect(problems[0]).toMatch(/^TPC_CONFIG_FILE/);
    expect(problems[0]).toMatch(pattern);
  });

  it.each([
    [{ port: 'abc' }, 'port'],
    [{ sync: 'fast' }, 'sync'],
    [{ sync: { commandTimeoutMs: -1 } }, 'sync.commandTimeoutMs'],
    [{ sync: { releaseOnStale: 'sometimes' } }, 'sync.releaseOnStale'],
    [{ graph: { serviceAccounts: [{ username: '', password: 'p' }] } }, 'graph.serviceAccounts[0].username'],
    [{ graph: { serviceAccounts: {} } }, 'graph.serviceAccounts'],
    [{ graph: { presenceMode: 7 } }, 'graph.presenceMode'],
    [{ webex: { events: null } }, 'webex.events'],
    [{ mode: ['live'] }, 'mode'],
  ])('%j names %s', (content, field) => {
    const problems = problemsOf({ TPC_CONFIG_FILE: file(`f-${field.replace(/\W/g, '_')}.json`, JSON.stringify(content)) });
    expect(problems.some((p) => p.startsWith(`${field}`)), problems.join('\n')).toBe(true);
  });

  it('prototype keys in the file do not pollute and are refused as unknown settings, each named', () => {
    const problems = problemsOf({ TPC_CONFIG_FILE: file('proto.json', '{"__proto__": {"mode": "live", "polluted": 1}, "constructor": {"prototype": {"polluted": 1}}}') });
    expect(problems).toEqual([expect.stringMatching(/^__proto__: unknown setting/), expect.stringMatching(/^constructor: unknown setting/)]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('an unknown key anywhere in the file is an error naming its full path, listed with the other problems', () => {
    const problems = problemsOf({ TPC_CONFIG_FILE: file('typo.json', '{"prot": 1, "sync": {"comandTimeoutMs": 5}, "ops": {"auditRetentionDays": 0}}') });
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^prot: unknown setting/),
        expect.stringMatching(/^sync\.comandTimeoutMs: unknown setting/),
        expect.stringMatching(/^ops\.auditRetentionDays .*>=1/),
      ]),
    );
    expect(problems).toHaveLength(3);
  });

  it('the environment overrides the file, and file problems and env problems are listed together', () => {
    expect(loadConfig({ TPC_CONFIG_FILE: file('port.json', '{"port": 4000}'), TPC_PORT: '4001' }).port).toBe(4001);
    const problems = problemsOf({ TPC_CONFIG_FILE: file('bad-port.json', '{"port": 3000'), TPC_LOG_LEVEL: 'loud' });
    expect(problems).toHaveLength(2);
  });
});

describe('secret files', () => {
  it.each(['TPC_GRAPH_CLIENT_SECRET', 'TPC_WEBEX_ACCESS_TOKEN', 'TPC_WEBEX_WEBHOOK_SECRET', 'TPC_BOOTSTRAP_ADMIN_KEY'])('an unreadable %s_FILE is named', (name) => {
    const sub = join(dir, `dir-${name}`);
    mkdirSync(sub, { recursive: true });
    for (const path of [join(dir, `missing-${name}`), sub]) {
      const problems = problemsOf({ [`${name}_FILE`]: path });
      expect(problems).toHaveLength(1);
      expect(problems[0]).toMatch(new RegExp(`^${name}_FILE \\(`));
    }
  });

  it('a secret file too short for its setting names the _FILE variable', () => {
    const problems = problemsOf({ TPC_WEBEX_WEBHOOK_SECRET_FILE: file('short-secret', 'abc\n') });
    expect(problems[0]).toContain('(TPC_WEBEX_WEBHOOK_SECRET_FILE)');
  });

  it('a readable secret file is used, trimmed', () => {
    expect(loadConfig({ TPC_GRAPH_CLIENT_SECRET_FILE: file('secret', '  s3cret-value\n') }).graph.clientSecret).toBe('s3cret-value');
  });
});
