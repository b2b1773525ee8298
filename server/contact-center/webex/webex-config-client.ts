import type { IdleCode } from '../../domain/agent.js';
import type { CcAgent, CcTeam, Clock } from '../../ports.js';
import type { WebexHttpClient } from './webex-http-client.js';
import { bool, isRonaName, num, obj, str, type IdleCodeLookup, type Json } from './webex-payload.js';

/**
 * Reads the contact center's configuration: idle codes (v2 auxiliary-code list), teams and users, all from
 * the paged v2 lists (`{meta:{page,pageSize,totalPages,…}, data:[…]}`, pages counted from 0). Idle codes are
 * cached briefly because every mapping validation and every supervisor page asks for them; the cache also
 * answers the translator's synchronous question "is this the RONA code?".
 */

const PAGE_SIZE = 100;
const MAX_PAGES = 10_000;

export class WebexConfigClient implements IdleCodeLookup {
  private codes: { at: number; list: IdleCode[]; byId: Map<string, IdleCode> } | null = null;
  private inFlight: Promise<IdleCode[]> | null = null;

  constructor(
    private readonly http: WebexHttpClient,
    private readonly orgId: string,
    private readonly clock: Clock,
    private readonly cacheMs = 30_000,
  ) {}

  /** Idle codes only (workTypeCode IDLE_CODE), system and inactive ones included and flagged. */
  async listIdleCodes(): Promise<IdleCode[]> {
    if (this.codes && this.clock.now() - this.codes.at < this.cacheMs) return this.codes.list;
    this.inFlight ??= this.loadIdleCodes().finally(() => {
      this.inFlight = null;
    });
    return this.inFlight;
  }

  /** Forgets the cached idle codes (after a supervisor says codes changed, or an unknown code shows up). */
  invalidate(): void {
    this.codes = null;
  }

  cachedIdleCode(id: string): IdleCode | undefined {
    return this.codes?.byId.get(id);
  }

  isRona(auxCodeId: string | undefined): boolean {
    if (!auxCodeId) return false;
    const code = this.codes?.byId.get(auxCodeId);
    return !!code && code.isSystem && isRonaName(code.name);
  }

  ronaCodeId(): string | undefined {
    return this.codes?.list.find((c) => c.isSystem && isRonaName(c.name))?.id;
  }

  async listTeams(): Promise<CcTeam[]> {
    const rows = await this.allPages('list teams', `/organization/${enc(this.orgId)}/v2/team`);
    return rows.filter((t) => bool(t.active) !== false && str(t.id)).map((t) => ({ id: str(t.id)!, name: str(t.name) ?? str(t.id)! }));
  }

  /**
   * Contact-center users with their first team. The agent id is the user's CI id (`ciUserId`), which is what
   * the agent APIs and notifications call `agentId`; configuration-only ids are used when it is absent.
   */
  async listAgents(): Promise<CcAgent[]> {
    const [users, teams] = await Promise.all([
      this.allPages('list agents', `/organization/${enc(this.orgId)}/v2/user`),
      this.listTeams(),
    ]);
    const teamNames = new Map(teams.map((t) => [t.id, t.name]));
    const agents: CcAgent[] = [];
    for (const u of users) {
      if (bool(u.contactCenterEnabled) === false || bool(u.active) === false) continue;
      const id = str(u.ciUserId) ?? str(u.id);
      if (!id) continue;
      const teamIds = Array.isArray(u.teamIds) ? u.teamIds.filter((x): x is string => typeof x === 'string') : [];
      const teamId = teamIds[0] ?? str(u.teamId) ?? '';
      const name = [str(u.firstName), str(u.lastName)].filter(Boolean).join(' ') || str(u.name) || str(u.email) || id;
      agents.push({ id, name, email: str(u.email) ?? '', teamId, teamName: teamNames.get(teamId) ?? str(u.teamName) ?? '' });
    }
    return agents;
  }

  private async loadIdleCodes(): Promise<IdleCode[]> {
    const rows = await this.allPages('list idle codes', `/organization/${enc(this.orgId)}/v2/auxiliary-code`);
    const list: IdleCode[] = [];
    for (const r of rows) {
      if (str(r.workTypeCode) !== 'IDLE_CODE' || !str(r.id)) continue;
      list.push({
        id: str(r.id)!,
        name: str(r.name) ?? str(r.id)!,
        isSystem: bool(r.isSystemCode) === true,
        active: bool(r.active) !== false,
        isDefault: bool(r.defaultCode) === true,
      });
    }
    list.sort((a, b) => Number(a.isSystem) - Number(b.isSystem) || a.name.localeCompare(b.name));
    this.codes = { at: this.clock.now(), list, byId: new Map(list.map((c) => [c.id, c])) };
    return list;
  }

  /** Every row of a paged v2 list (also accepts a bare array, the v1 shape). */
  private async allPages(call: string, path: string): Promise<Json[]> {
    const rows: Json[] = [];
    for (let page = 0; page < MAX_PAGES; page++) {
      const res = await this.http.request<unknown>(call, { method: 'GET', path, params: { page, pageSize: PAGE_SIZE } });
      if (Array.isArray(res.data)) {
        rows.push(...res.data.map(obj));
        if (res.data.length < PAGE_SIZE) break;
        continue;
      }
      const body = obj(res.data);
      const data = Array.isArray(body.data) ? body.data.map(obj) : [];
      rows.push(...data);
      const totalPages = num(obj(body.meta).totalPages);
      if (data.length === 0) break;
      if (totalPages !== undefined ? page + 1 >= totalPages : data.length < PAGE_SIZE) break;
    }
    return rows;
  }
}

const enc = encodeURIComponent;
