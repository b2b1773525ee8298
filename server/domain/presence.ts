/**
 * Teams presence as Microsoft Graph reports it, and its classification into the named Teams states that
 * mapping profiles use as keys. Graph values are open strings whose casing varies between documentation
 * generations, so everything here compares case-insensitively and keeps unknown values untouched.
 */

export const TEAMS_STATES = [
  'DoNotDisturb',
  'InACall',
  'Presenting',
  'InAMeeting',
  'Busy',
  'Away',
  'BeRightBack',
  'OutOfOffice',
  'Offline',
] as const;
export type TeamsState = (typeof TEAMS_STATES)[number];

export interface Presence {
  availability: string;
  activity: string;
  /** Overlay reported separately from availability/activity (presence.outOfOfficeSettings.isOutOfOffice). */
  outOfOffice?: boolean;
}

const lower = (s: string | undefined): string => (s ?? '').trim().toLowerCase();

const DND_ACTIVITIES = new Set(['donotdisturb', 'focusing', 'urgentinterruptionsonly']);
const CALL_ACTIVITIES = new Set(['inacall', 'inaconferencecall']);

/**
 * Returns every Teams state this presence belongs to, most specific first. The mapping profile's precedence
 * order then picks the first state it maps, so a profile may map `InACall` precisely or only the coarser
 * `Busy`. An empty list means "free" (Available, unknown, or nothing worth mapping).
 */
export function classifyPresence(p: Presence): TeamsState[] {
  const availability = lower(p.availability);
  const activity = lower(p.activity);
  const states: TeamsState[] = [];
  const add = (s: TeamsState): void => {
    if (!states.includes(s)) states.push(s);
  };

  if (activity === 'presenting') add('Presenting');
  if (CALL_ACTIVITIES.has(activity)) add('InACall');
  if (activity === 'inameeting') add('InAMeeting');
  if (DND_ACTIVITIES.has(activity) || availability === 'focusing') add('DoNotDisturb');
  // Newer documentation lists call/meeting/presenting values as availability; accept them there too.
  if (availability === 'presenting') add('Presenting');
  if (availability === 'inacall') add('InACall');
  if (availability === 'inameeting') add('InAMeeting');
  if (availability === 'donotdisturb' && activity !== 'presenting') add('DoNotDisturb');
  if (availability === 'busy' || availability === 'busyidle' || activity === 'busy') add('Busy');
  if (availability === 'berightback' || activity === 'berightback') add('BeRightBack');
  if (availability === 'away' || activity === 'away') add('Away');
  if (activity === 'outofoffice' || availability === 'outofoffice' || p.outOfOffice === true) add('OutOfOffice');
  if (availability === 'offline' || activity === 'offwork' || activity === 'offline') add('Offline');
  return states;
}

export function samePresence(a: Presence | undefined, b: Presence | undefined): boolean {
  if (!a || !b) return a === b;
  return (
    lower(a.availability) === lower(b.availability) &&
    lower(a.activity) === lower(b.activity) &&
    (a.outOfOffice ?? false) === (b.outOfOffice ?? false)
  );
}

export function describePresence(p: Presence): string {
  const oof = p.outOfOffice ? ', out of office' : '';
  return lower(p.availability) === lower(p.activity)
    ? `${p.availability}${oof}`
    : `${p.availability}/${p.activity}${oof}`;
}
