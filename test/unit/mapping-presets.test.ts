import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { lookupMapping, pullsTeamsToCc, pushesCcToTeams, type MappingRule, type SyncMode } from '../../server/domain/mapping.js';
import type { Presence } from '../../server/domain/presence.js';
import { profileBodySchema, profileJsonSchema, type ProfileBody } from '../../server/mappings/profile-schema.js';

const MAPPINGS_DIR = fileURLToPath(new URL('../../mappings/', import.meta.url));
const SCHEMA_FILE = 'profile.schema.json';

/** The idle codes the contact-center emulator seeds; presets may only name these. */
const SEEDED_IDLE_CODES = [
  'Teams Call',
  'Teams Meeting',
  'Presenting',
  'Do Not Disturb',
  'Busy',
  'Away',
  'Be Right Back',
  'Out Of Office',
  'Offline',
];

const readJson = (file: string): unknown => JSON.parse(readFileSync(MAPPINGS_DIR + file, 'utf8'));
const presetFiles = readdirSync(MAPPINGS_DIR).filter((f) => f.endsWith('.json') && f !== SCHEMA_FILE).sort();
const presets = new Map<string, ProfileBody>(presetFiles.map((f) => [f, profileBodySchema.parse(readJson(f))]));

/** Presets are portable (idle codes by name); in the test the name stands in as the stored id. */
function rulesOf(file: string): MappingRule[] {
  const preset = presets.get(file);
  if (!preset) throw new Error(`no preset ${file}`);
  return preset.rules.map((r) => ({ teamsState: r.teamsState, idleCodeId: r.idleCodeName ?? r.idleCodeId ?? '' }));
}

const p = (availability: string, activity: string, outOfOffice?: boolean): Presence => ({ availability, activity, outOfOffice });

const CALL = p('Busy', 'InACall');
const CONFERENCE = p('Busy', 'InAConferenceCall');
const PRESENTING = p('DoNotDisturb', 'Presenting');
const DND = p('DoNotDisturb', 'DoNotDisturb');
const FOCUSING = p('DoNotDisturb', 'Focusing');
const MEETING = p('Busy', 'InAMeeting');
const BUSY = p('Busy', 'Busy');
const AVAILABLE = p('Available', 'Available');
const AWAY = p('Away', 'Away');
const BE_RIGHT_BACK = p('BeRightBack', 'BeRightBack');
const APPEAR_OFFLINE = p('Offline', 'OffWork');
const OFFLINE = p('Offline', 'Offline');
const AVAILABLE_OOF = p('Available', 'Available', true);
const CALL_OOF = p('Busy', 'InACall', true);
const UNKNOWN = p('PresenceUnknown', 'PresenceUnknown');

type Row = [label: string, presence: Presence, idleCode: string | null];

/** Expectations are transcribed from the seed documents in shared/seeds, not from the JSON files. */
const EXPECTED: Record<string, { syncMode: SyncMode; rows: Row[] }> = {
  // Webex: DND, In a call and Presenting are the only mappable states; everything else leaves the agent alone.
  'webex.json': {
    syncMode: 'both',
    rows: [
      ['call', CALL, 'Teams Call'],
      ['conference call', CONFERENCE, 'Teams Call'],
      ['presenting', PRESENTING, 'Presenting'],
      ['do not disturb', DND, 'Do Not Disturb'],
      ['focusing', FOCUSING, 'Do Not Disturb'],
      ['DND set by hand during a call', p('DoNotDisturb', 'InACall'), 'Do Not Disturb'],
      ['meeting', MEETING, null],
      ['busy', BUSY, null],
      ['available', AVAILABLE, null],
      ['away', AWAY, null],
      ['be right back', BE_RIGHT_BACK, null],
      ['offline', OFFLINE, null],
      ['out of office', AVAILABLE_OOF, null],
      ['unknown', UNKNOWN, null],
    ],
  },
  // Swyx table: call/presenting → Speaking; DND/focusing → DND; busy/meeting/away/BRB → Away; offline, OOF → no sync.
  'swyx.json': {
    syncMode: 'both',
    rows: [
      ['call', CALL, 'Teams Call'],
      ['conference call', CONFERENCE, 'Teams Call'],
      ['presenting', PRESENTING, 'Teams Call'],
      ['on a call, out of office', CALL_OOF, 'Teams Call'],
      ['do not disturb', DND, 'Do Not Disturb'],
      ['focusing', FOCUSING, 'Do Not Disturb'],
      ['meeting', MEETING, 'Away'],
      ['busy', BUSY, 'Away'],
      ['away', AWAY, 'Away'],
      ['be right back', BE_RIGHT_BACK, 'Away'],
      ['available', AVAILABLE, null],
      ['available, out of office', AVAILABLE_OOF, null],
      ['offline', OFFLINE, null],
      ['unknown', UNKNOWN, null],
    ],
  },
  // estos: DND → DND, screen sharing → DND, Busy/InACall → busy in a call; busy, away, BRB, offline, appointments: nothing.
  'estos-procall.json': {
    syncMode: 'both',
    rows: [
      ['call', CALL, 'Teams Call'],
      ['conference call', CONFERENCE, 'Teams Call'],
      ['screen sharing', PRESENTING, 'Do Not Disturb'],
      ['do not disturb', DND, 'Do Not Disturb'],
      ['appointment (meeting)', MEETING, null],
      ['appointment (busy)', BUSY, null],
      ['available', AVAILABLE, null],
      ['away', AWAY, null],
      ['be right back', BE_RIGHT_BACK, null],
      ['appear offline', APPEAR_OFFLINE, null],
      ['out of office', AVAILABLE_OOF, null],
    ],
  },
  // XPhone: telephony state and DND only; call/video → On the phone, screen sharing → DND.
  'xphone-connect.json': {
    syncMode: 'both',
    rows: [
      ['call', CALL, 'Teams Call'],
      ['video conference', CONFERENCE, 'Teams Call'],
      ['screen sharing', PRESENTING, 'Do Not Disturb'],
      ['do not disturb', DND, 'Do Not Disturb'],
      ['meeting', MEETING, null],
      ['busy', BUSY, null],
      ['available', AVAILABLE, null],
      ['away', AWAY, null],
      ['be right back', BE_RIGHT_BACK, null],
      ['offline', OFFLINE, null],
    ],
  },
  // Mitel: Teams reports Busy for a call or meeting, DND for focus/presenting, Away for an idle client;
  // CloudLink precedence Away > DND > Busy; offline and available add nothing.
  'mitel-cloudlink.json': {
    syncMode: 'cc-to-teams',
    rows: [
      ['call', CALL, 'Busy'],
      ['conference call', CONFERENCE, 'Busy'],
      ['meeting', MEETING, 'Busy'],
      ['busy', BUSY, 'Busy'],
      ['presenting', PRESENTING, 'Do Not Disturb'],
      ['focusing', FOCUSING, 'Do Not Disturb'],
      ['do not disturb', DND, 'Do Not Disturb'],
      ['DND outranks busy', p('DoNotDisturb', 'InACall'), 'Do Not Disturb'],
      ['idle client', AWAY, 'Away'],
      ['available', AVAILABLE, null],
      ['offline', OFFLINE, null],
    ],
  },
};
// The product default is the Webex reference set, Teams → contact center only.
EXPECTED['default.json'] = { syncMode: 'teams-to-cc', rows: EXPECTED['webex.json'].rows };

describe('mapping preset files', () => {
  it('ships the default and one preset per seed vendor, and nothing untested', () => {
    expect(presetFiles).toEqual(Object.keys(EXPECTED).sort());
  });

  it.each(presetFiles)('%s parses, and its id is its file name', (file) => {
    const result = profileBodySchema.safeParse(readJson(file));
    expect(result.success, JSON.stringify(result.error?.issues)).toBe(true);
    expect(result.data?.id).toBe(file.replace(/\.json$/, ''));
    expect(result.data?.source).toMatch(/^[a-z-]+\.[a-z]{2}\.txt$/);
  });

  it('has unique ids', () => {
    const ids = [...presets.values()].map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it.each(presetFiles)('%s names only seeded idle codes, by name', (file) => {
    for (const rule of presets.get(file)?.rules ?? []) {
      expect(rule.idleCodeId).toBeUndefined();
      expect(SEEDED_IDLE_CODES).toContain(rule.idleCodeName);
    }
  });

  it('default profile: the Webex reference states, 3 s settle delay, Teams → CC, release on disable', () => {
    const d = presets.get('default.json');
    expect(d?.rules.map((r) => r.teamsState).sort()).toEqual(['DoNotDisturb', 'InACall', 'Presenting']);
    expect(d).toMatchObject({ id: 'default', settleDelayMs: 3000, syncMode: 'teams-to-cc', releaseOnDisable: true });
  });

  it('profile.schema.json is exactly what profileJsonSchema() returns', () => {
    const text = readFileSync(MAPPINGS_DIR + SCHEMA_FILE, 'utf8');
    expect(text).toBe(`${JSON.stringify(profileJsonSchema(), null, 2)}\n`);
  });
});

describe.each(Object.entries(EXPECTED))('preset %s', (file, expected) => {
  it(`sync direction is ${expected.syncMode}`, () => {
    const mode = presets.get(file)?.syncMode as SyncMode;
    expect(mode).toBe(expected.syncMode);
    expect([pullsTeamsToCc(mode), pushesCcToTeams(mode)]).toEqual([
      expected.syncMode !== 'cc-to-teams',
      expected.syncMode !== 'teams-to-cc',
    ]);
  });

  const cases = expected.rows.map(([label, presence, idleCode]) => ({ label, presence, idleCode: idleCode ?? 'no idle' }));
  it.each(cases)('$label → $idleCode', ({ presence, idleCode }) => {
    const match = lookupMapping({ rules: rulesOf(file) }, presence);
    expect(match?.idleCodeId ?? 'no idle').toBe(idleCode);
  });
});
