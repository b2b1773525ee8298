import { randomUUID } from 'node:crypto';
import type { PreferredPresence, PresenceSession } from './presence-aggregate.js';
import type { SeedUser } from './demo-users.js';

/**
 * One compact record per directory user, holding both the directory fields and the presence state, so that
 * 50,000 users stay a flat array plus three lookup maps.
 */
export interface UserRecord {
  idx: number;
  id: string;
  displayName: string;
  givenName: string | null;
  surname: string | null;
  userPrincipalName: string;
  mail: string | null;
  department: string | null;
  jobTitle: string | null;
  businessPhones: string[];
  password: string | undefined;
  sessions: PresenceSession[] | null;
  preferred: PreferredPresence | null;
  outOfOffice: { isOutOfOffice: boolean; message: string | null } | null;
  statusMessage: unknown;
  availability: string;
  activity: string;
  /** Bumped whenever availability, activity or out-of-office changes. */
  sequence: number;
  /** The out-of-office flag as of the last aggregation (a flip is a change too). */
  sequenceOof: boolean;
  /** Earliest emulator-clock instant at which the aggregate may change by itself. */
  nextAt: number;
  /** Deleted from the directory: no lookup finds it any more; its array slot stays so indexes remain valid. */
  deleted: boolean;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isGuid(value: string): boolean {
  return GUID.test(value);
}

/** The user properties Graph returns when no `$select` is given (department is NOT among them). */
export const DEFAULT_USER_PROPERTIES = [
  'businessPhones',
  'displayName',
  'givenName',
  'jobTitle',
  'mail',
  'mobilePhone',
  'officeLocation',
  'preferredLanguage',
  'surname',
  'userPrincipalName',
  'id',
] as const;

export const SELECTABLE_USER_PROPERTIES = new Set([...DEFAULT_USER_PROPERTIES, 'department', 'accountEnabled', 'userType'].map((p) => p.toLowerCase()));

export class DirectoryStore {
  readonly users: UserRecord[] = [];
  private readonly byId = new Map<string, UserRecord>();
  private readonly byUpn = new Map<string, UserRecord>();
  private readonly byMail = new Map<string, UserRecord>();

  add(seed: SeedUser): UserRecord {
    const id = (seed.id ?? randomUUID()).toLowerCase();
    if (this.byId.has(id)) throw new Error(`duplicate user id ${id}`);
    const upn = seed.userPrincipalName;
    if (!upn || this.byUpn.has(upn.toLowerCase())) throw new Error(`missing or duplicate userPrincipalName ${upn}`);
    const space = seed.displayName.indexOf(' ');
    const rec: UserRecord = {
      idx: this.users.length,
      id,
      displayName: seed.displayName,
      givenName: space > 0 ? seed.displayName.slice(0, space) : null,
      surname: space > 0 ? seed.displayName.slice(space + 1) : null,
      userPrincipalName: upn,
      mail: seed.mail ?? null,
      department: seed.department ?? null,
      jobTitle: seed.jobTitle ?? null,
      businessPhones: seed.businessPhones ?? [],
      password: seed.password,
      sessions: null,
      preferred: null,
      outOfOffice: null,
      statusMessage: null,
      availability: 'Offline',
      activity: 'Offline',
      sequence: 0,
      sequenceOof: false,
      nextAt: Infinity,
      deleted: false,
    };
    this.users.push(rec);
    this.byId.set(id, rec);
    this.byUpn.set(upn.toLowerCase(), rec);
    if (rec.mail) this.byMail.set(rec.mail.toLowerCase(), rec);
    return rec;
  }

  /** Deletes a user the way Entra does for lookups: id, UPN and mail no longer resolve, listings skip it. */
  remove(rec: UserRecord): void {
    if (rec.deleted) return;
    rec.deleted = true;
    this.byId.delete(rec.id);
    this.byUpn.delete(rec.userPrincipalName.toLowerCase());
    if (rec.mail) this.byMail.delete(rec.mail.toLowerCase());
  }

  /** Users that are not deleted, in creation order. */
  live(): UserRecord[] {
    return this.users.filter((u) => !u.deleted);
  }

  byObjectId(id: string): UserRecord | undefined {
    return this.byId.get(id.toLowerCase());
  }

  byPrincipalName(upn: string): UserRecord | undefined {
    return this.byUpn.get(upn.toLowerCase());
  }

  byMailAddress(mail: string): UserRecord | undefined {
    return this.byMail.get(mail.toLowerCase());
  }

  /** `/users/{id | userPrincipalName}` resolution. */
  resolve(key: string): UserRecord | undefined {
    return this.byId.get(key.toLowerCase()) ?? this.byUpn.get(key.toLowerCase());
  }

  toSeed(rec: UserRecord): SeedUser & { id: string } {
    return {
      id: rec.id,
      displayName: rec.displayName,
      userPrincipalName: rec.userPrincipalName,
      ...(rec.mail ? { mail: rec.mail } : {}),
      ...(rec.department ? { department: rec.department } : {}),
      ...(rec.jobTitle ? { jobTitle: rec.jobTitle } : {}),
      businessPhones: rec.businessPhones,
      ...(rec.password ? { password: rec.password } : {}),
    };
  }
}

/** The Graph JSON of a user, limited to `select` (lower-case names) or the default property set. */
export function userJson(rec: UserRecord, select: readonly string[] | null): Record<string, unknown> {
  const full: Record<string, unknown> = {
    businessPhones: rec.businessPhones,
    displayName: rec.displayName,
    givenName: rec.givenName,
    jobTitle: rec.jobTitle,
    mail: rec.mail,
    mobilePhone: null,
    officeLocation: null,
    preferredLanguage: 'en-US',
    surname: rec.surname,
    userPrincipalName: rec.userPrincipalName,
    id: rec.id,
  };
  if (!select) return full;
  full.department = rec.department;
  full.accountEnabled = true;
  full.userType = 'Member';
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(full)) if (select.includes(key.toLowerCase())) out[key] = full[key];
  return out;
}
