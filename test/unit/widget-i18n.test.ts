import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { SKIP_REASONS } from '../../server/domain/decide.js';
import { ERROR_CODES } from '../../server/errors.js';
import { formatters } from '../../widget/i18n/formatters.js';
import { format, isCatalog, LOCALES, resolveLocale, translator, type Catalog, type Message, type MessageTable } from '../../widget/i18n/i18n.js';
import { reasonText } from '../../widget/i18n/reason-text.js';
import { commonMessages } from '../../widget/messages/common-messages.js';
import { reasonMessages } from '../../widget/messages/reason-messages.js';

const MESSAGES_DIR = join(import.meta.dirname, '../../widget/messages');
const files = readdirSync(MESSAGES_DIR).filter((f) => f.endsWith('-messages.ts'));

async function catalogsOf(file: string): Promise<[string, Catalog<MessageTable>][]> {
  const mod = (await import(pathToFileURL(join(MESSAGES_DIR, file)).href)) as Record<string, unknown>;
  return Object.entries(mod).filter((e): e is [string, Catalog<MessageTable>] => isCatalog(e[1]));
}

const placeholders = (m: Message): string[] => {
  const texts = typeof m === 'string' ? [m] : Object.values(m);
  const names = new Set(texts.flatMap((t) => [...(t as string).matchAll(/\{(\w+)\}/g)].map((x) => x[1])));
  if (typeof m !== 'string') names.add('count');
  return [...names].sort();
};

describe('every catalog in widget/messages has every key in all six languages', () => {
  it('finds the catalog files', () => {
    expect(files).toEqual(expect.arrayContaining(['common-messages.ts', 'reason-messages.ts']));
  });

  it.each(files)('%s', async (file) => {
    const catalogs = await catalogsOf(file);
    expect(catalogs.length, `${file} exports no defineMessages() catalog`).toBeGreaterThan(0);
    const problems: string[] = [];
    for (const [name, catalog] of catalogs) {
      const source = catalog.tables.en as Record<string, Message>;
      for (const locale of LOCALES) {
        const table = catalog.tables[locale] as Record<string, Message> | undefined;
        if (!table) {
          problems.push(`${name}: no ${locale} table`);
          continue;
        }
        for (const key of Object.keys(source)) {
          const m = table[key];
          if (m === undefined) problems.push(`${name}.${locale}: missing "${key}"`);
          else if (typeof m === 'string' ? !m.trim() : !m.other?.trim()) problems.push(`${name}.${locale}: "${key}" is empty or has no plural "other"`);
          else if (placeholders(m).join() !== placeholders(source[key]).join()) {
            problems.push(`${name}.${locale}: "${key}" has {${placeholders(m)}} but English has {${placeholders(source[key])}}`);
          }
        }
        for (const key of Object.keys(table)) if (!(key in source)) problems.push(`${name}.${locale}: "${key}" is not in English`);
      }
    }
    expect(problems).toEqual([]);
  });
});

describe('the server codes have words', () => {
  const actionCodes = [
    'set-idle.presence-busy',
    'set-idle.idle-code-switch',
    'set-idle.pending-applied',
    'set-available.presence-free',
    'set-available.released-on-disable',
    'set-available.stale-presence-released',
    'schedule-release.settle-delay',
    'hold-pending.agent-engaged',
    'hold-pending.agent-in-wrapup',
  ];
  it('every skip reason and action reason of the sync rule', () => {
    const keys = Object.keys(reasonMessages.tables.en);
    const missing = [...SKIP_REASONS.map((r) => `skip.${r}`), ...actionCodes].filter((c) => !keys.includes(c));
    expect(missing).toEqual([]);
  });
  it('every API error code', () => {
    const keys = Object.keys(commonMessages.tables.en);
    expect(Object.keys(ERROR_CODES).filter((c) => !keys.includes(`error.${c}`))).toEqual([]);
  });
});

describe('resolveLocale', () => {
  it.each([
    [['de-AT'], 'de'],
    [['pt-PT'], 'pt-BR'],
    [['pt_br'], 'pt-BR'],
    [['en-GB'], 'en'],
    [[null, '', 'fr-CA'], 'fr'],
    [['ja', 'es-MX'], 'es'],
    [['ja', 'zh'], 'en'],
    [[], 'en'],
  ] as const)('%j → %s', (prefs, expected) => {
    expect(resolveLocale(prefs)).toBe(expected);
  });
});

describe('format and translate', () => {
  it('fills placeholders and writes numbers the locale way', () => {
    expect(format('de', 'Budget: {n} von {max}', { n: 1234.5, max: 300 })).toBe('Budget: 1.234,5 von 300');
    expect(format('en', 'Hello {who}', {})).toBe('Hello {who}');
  });
  it('picks plural forms by count with the locale rules', () => {
    const m = { one: '{count} agent', other: '{count} agents' };
    expect(format('en', m, { count: 1 })).toBe('1 agent');
    expect(format('en', m, { count: 0 })).toBe('0 agents');
    expect(format('fr', { one: '{count} agent', other: '{count} agents' }, { count: 0 })).toBe('0 agent');
  });
  it('renders a common key per locale', () => {
    expect(translator(commonMessages, 'de')('teams.InACall')).toBe('In einem Teams-Anruf');
    expect(translator(commonMessages, 'pt-BR')('state.Available')).toBe('Disponível');
  });
});

describe('reasonText', () => {
  const at = Date.UTC(2026, 10, 29, 13, 5);
  it('renders a decision code with the Teams state and the idle code name unchanged', () => {
    const r = { code: 'set-idle.presence-busy', params: { teamsState: 'InACall', idleCode: 'Teams Call' } };
    expect(reasonText(r, formatters('en'))).toBe('In a Teams call: set to idle “Teams Call”.');
    expect(reasonText(r, formatters('it'))).toBe('In una chiamata Teams: impostato su non disponibile “Teams Call”.');
  });
  it('writes instants in the reader’s time zone and clock', () => {
    const r = { code: 'schedule-release.settle-delay', params: { time: at } };
    expect(reasonText(r, formatters('en', 'America/New_York'))).toContain('8:05 AM');
    expect(reasonText(r, formatters('de', 'Europe/Berlin'))).toContain('14:05');
  });
  it('prefixes a skip with its Teams state', () => {
    expect(reasonText({ code: 'skip.idle-set-by-agent', params: { teamsState: 'InAMeeting' } }, formatters('es'))).toBe(
      'En una reunión de Teams. El agente eligió este estado; el conector no lo toca.',
    );
  });
  it('falls back to the server text, then to a sentence naming the code', () => {
    expect(reasonText({ code: 'skip.brand-new', params: {} }, formatters('fr'), 'Brand new.')).toBe('Brand new.');
    expect(reasonText({ code: 'skip.brand-new', params: {} }, formatters('fr'))).toContain('(skip.brand-new)');
  });
});

describe('formatters', () => {
  it('durations in words and short form', () => {
    expect(formatters('en').duration(65 * 60_000)).toBe('1 hour and 5 minutes');
    expect(formatters('de').duration(4 * 60_000 + 9000)).toBe('4 Minuten und 9 Sekunden');
    expect(formatters('en').shortDuration(90 * 60_000)).toBe('1 hr 30 min');
  });
  it('an unknown time zone falls back to the browser’s instead of throwing', () => {
    expect(formatters('en', 'Mars/Olympus').timeZone).toBeUndefined();
  });
  it('relative times', () => {
    expect(formatters('fr').relative(10 * 60_000, 0)).toBe('dans 10 minutes');
  });
});

describe('relative times near now', () => {
  it('a few seconds of clock difference either way read as now', () => {
    expect(formatters('en').relative(1_500, 0)).toBe('now');
    expect(formatters('pt-BR').relative(-3_000, 0)).toBe('agora');
    expect(formatters('en').relative(-30_000, 0)).toBe('30 seconds ago');
  });
});
