/**
 * Deterministic demo directory. Index 0–7 are the sandbox agents `agent1@contoso.example` …
 * `agent8@contoso.example`; index 8–9 are delegated service accounts for subscribe mode
 * (`presence-svc1@contoso.example`, `presence-svc2@contoso.example`); everyone after is a colleague / subject-
 * matter expert with a department, job title and usually an E.164 business phone. Deliberate irregularities so
 * matching and directory filtering are testable: every 7th colleague has no phone, every 11th an extension
 * (`x1234`), every 13th a formatted non-E.164 number, every 17th a mail that differs from the UPN, every 19th
 * no mail at all. Every demo user's password is `DEMO_PASSWORD`.
 */

export interface SeedUser {
  id?: string;
  displayName: string;
  userPrincipalName: string;
  mail?: string;
  department?: string;
  jobTitle?: string;
  businessPhones?: string[];
  password?: string;
}

export const DEMO_PASSWORD = 'Passw0rd!';
export const DEMO_DOMAIN = 'contoso.example';
export const DEMO_AGENT_COUNT = 8;
export const DEMO_SERVICE_ACCOUNTS = ['presence-svc1@contoso.example', 'presence-svc2@contoso.example'] as const;

const FIRST = ['Alex', 'Blake', 'Casey', 'Drew', 'Emery', 'Finley', 'Gray', 'Harper', 'Jordan', 'Kai', 'Logan', 'Morgan', 'Noel', 'Parker', 'Quinn', 'Riley', 'Sage', 'Taylor', 'Avery', 'Rowan', 'Jamie', 'Skyler', 'Reese', 'Dakota'];
const LAST = ['Adams', 'Baker', 'Chen', 'Diaz', 'Evans', 'Fischer', 'Garcia', 'Hughes', 'Ivanova', 'Jensen', 'Kowalski', 'Lopez', 'Murphy', 'Nakamura', 'Okafor', 'Patel', 'Rossi', 'Schmidt', 'Tanaka', 'Weber', 'Young', 'Zhang', 'Silva', 'Moreau', 'Novak'];
const DEPARTMENTS: readonly (readonly [string, readonly string[]])[] = [
  ['Billing', ['Billing Specialist', 'Billing Analyst', 'Collections Lead']],
  ['Tech Support', ['Support Engineer', 'Escalation Engineer', 'Network Specialist']],
  ['Sales', ['Account Executive', 'Sales Engineer', 'Renewals Manager']],
  ['Legal', ['Counsel', 'Paralegal', 'Compliance Officer']],
  ['Finance', ['Controller', 'Financial Analyst', 'Payroll Specialist']],
  ['Human Resources', ['HR Partner', 'Recruiter', 'Benefits Specialist']],
  ['Engineering', ['Software Engineer', 'Site Reliability Engineer', 'Product Architect']],
  ['Logistics', ['Dispatcher', 'Fleet Coordinator', 'Warehouse Supervisor']],
];

const hex = (n: number, width: number): string => (n >>> 0).toString(16).padStart(width, '0').slice(-width);

/** A stable, well-formed GUID for index `i` (version 4 / variant 8 layout, unique by the last group). */
export function demoUserId(i: number): string {
  let h = (i + 1) * 2654435761;
  h = Math.imul(h ^ (h >>> 16), 0x45d9f3b);
  const a = h >>> 0;
  const b = Math.imul(a ^ (a >>> 13), 0x27d4eb2d) >>> 0;
  return `${hex(a, 8)}-${hex(b, 4)}-4${hex(b >>> 16, 3)}-8${hex(a >>> 20, 3)}-${hex(i + 1, 12)}`;
}

function phoneFor(i: number): string {
  return `+1425${String(5550100 + i).padStart(7, '0')}`;
}

export function demoUsers(count = 60): SeedUser[] {
  const users: SeedUser[] = new Array(Math.max(0, count));
  for (let i = 0; i < count; i++) users[i] = demoUser(i);
  return users;
}

export function demoUser(i: number): SeedUser {
  const id = demoUserId(i);
  if (i < DEMO_AGENT_COUNT) {
    const n = i + 1;
    const upn = `agent${n}@${DEMO_DOMAIN}`;
    return {
      id,
      displayName: `${FIRST[i]} Agent ${n}`,
      userPrincipalName: upn,
      mail: upn,
      department: 'Contact Center',
      jobTitle: 'Contact Center Agent',
      businessPhones: [phoneFor(i)],
      password: DEMO_PASSWORD,
    };
  }
  const svc = i - DEMO_AGENT_COUNT;
  if (svc < DEMO_SERVICE_ACCOUNTS.length) {
    const upn = DEMO_SERVICE_ACCOUNTS[svc]!;
    return { id, displayName: `Presence Service ${svc + 1}`, userPrincipalName: upn, mail: upn, department: 'IT', jobTitle: 'Service Account', businessPhones: [], password: DEMO_PASSWORD };
  }
  const c = i - DEMO_AGENT_COUNT - DEMO_SERVICE_ACCOUNTS.length + 1;
  const first = FIRST[c % FIRST.length]!;
  const last = LAST[Math.floor(c / FIRST.length) % LAST.length]!;
  const [department, titles] = DEPARTMENTS[c % DEPARTMENTS.length]!;
  const upn = `${first}.${last}${c}@${DEMO_DOMAIN}`.toLowerCase();
  let businessPhones: string[] = [phoneFor(i)];
  if (c % 7 === 0) businessPhones = [];
  else if (c % 11 === 0) businessPhones = [`x${1000 + (c % 9000)}`];
  else if (c % 13 === 0) businessPhones = [`+1 (425) 555-${String(c % 10000).padStart(4, '0')}`];
  let mail: string | undefined = upn;
  if (c % 19 === 0) mail = undefined;
  else if (c % 17 === 0) mail = `${first}.${last}.${c}@mail.${DEMO_DOMAIN}`.toLowerCase();
  return {
    id,
    displayName: `${first} ${last}`,
    userPrincipalName: upn,
    mail,
    department,
    jobTitle: titles[c % titles.length]!,
    businessPhones,
    password: DEMO_PASSWORD,
  };
}
