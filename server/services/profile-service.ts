import { randomUUID } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { idleCodeProblem, type IdleCode } from '../domain/agent.js';
import type { MappingProfile } from '../domain/mapping.js';
import { AppError, conflict, invalid, notFound } from '../errors.js';
import { profileBodySchema } from '../mappings/profile-schema.js';
import type { Clock } from '../ports.js';
import type { Stores } from '../store/index.js';
import { parseOrThrow } from '../validation.js';
import type { AgentRegistry } from './agent-registry.js';

export interface ProfileView extends Omit<MappingProfile, 'rules'> {
  rules: { teamsState: string; idleCodeId: string; idleCodeName: string }[];
  teams: string[];
}

/**
 * Mapping profiles: validated against the schema AND against the contact center's idle codes on every
 * create, update and import; a rejected body changes nothing.
 */
export class ProfileService {
  constructor(
    private readonly stores: Stores,
    private readonly registry: AgentRegistry,
    private readonly clock: Clock,
    private readonly onChanged: (profileId: string) => void,
  ) {}

  list(): ProfileView[] {
    return [...this.registry.profiles.values()].sort((a, b) => a.name.localeCompare(b.name)).map((p) => this.view(p));
  }

  get(id: string): ProfileView {
    return this.view(this.require(id));
  }

  create(body: unknown): ProfileView {
    const profile = this.parse(body, undefined);
    if (this.registry.profiles.has(profile.id)) throw conflict(`profile "${profile.id}" already exists`);
    this.stores.profiles.create(profile, this.clock.now());
    this.registry.putProfile(profile);
    return this.view(profile);
  }

  update(id: string, body: unknown): ProfileView {
    this.require(id);
    const profile = this.parse(body, id);
    this.stores.profiles.replace(profile, this.clock.now());
    this.registry.putProfile(profile);
    this.onChanged(id);
    return this.view(profile);
  }

  /** The profile a body would become, validated exactly as a save would, without storing it (impact preview). */
  candidate(body: unknown, id?: string): MappingProfile {
    return this.parse(body, id);
  }

  /** Import creates the profile, or replaces it when its id exists. */
  import(body: unknown): ProfileView {
    const id = typeof body === 'object' && body && 'id' in body && typeof body.id === 'string' ? body.id : undefined;
    return id && this.registry.profiles.has(id) ? this.update(id, body) : this.create(body);
  }

  /** The profile as a portable file: idle codes by name, so it imports into another org. */
  export(id: string): Record<string, unknown> {
    const p = this.require(id);
    return {
      ...p,
      rules: p.rules.map((r) => ({ teamsState: r.teamsState, idleCodeName: this.registry.idleCodeName(r.idleCodeId) })),
    };
  }

  delete(id: string): void {
    this.require(id);
    if (id === 'default') throw conflict('the default profile cannot be deleted; edit it instead');
    this.stores.profiles.delete(id);
    this.registry.removeProfile(id);
    this.onChanged(id);
  }

  assignToTeam(teamId: string, profileId: unknown): void {
    if (!this.registry.teams.has(teamId)) throw notFound(`team "${teamId}" not found`);
    if (profileId !== null && (typeof profileId !== 'string' || !this.registry.profiles.has(profileId))) {
      throw invalid(`profile "${String(profileId)}" does not exist`, 'profileId');
    }
    this.stores.profiles.assignProfile(teamId, profileId);
    this.registry.reloadTeams();
    this.onChanged(profileId ?? 'default');
  }

  /** Loads mappings/*.json presets that are not stored yet (first start), resolving idle codes by name. */
  seedPresets(dir: string): string[] {
    // All or nothing: every new file is validated before any is stored.
    const fresh: MappingProfile[] = [];
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.json') && !f.endsWith('.schema.json')).sort()) {
      let body: unknown;
      try {
        body = JSON.parse(readFileSync(join(dir, file), 'utf8'));
      } catch (err) {
        throw new AppError('invalid', `mapping file ${file}: ${(err as Error).message}`);
      }
      const id = body && typeof body === 'object' && typeof (body as { id?: unknown }).id === 'string' ? (body as { id: string }).id : undefined;
      if (id && this.registry.profiles.has(id)) continue;
      try {
        const profile = this.parse(body, undefined);
        if (fresh.some((p) => p.id === profile.id)) throw conflict(`profile "${profile.id}" appears in two files`);
        fresh.push(profile);
      } catch (err) {
        if (err instanceof AppError) throw new AppError(err.code, `mapping file ${file}: ${err.message}`, err.field, err.details);
        throw err;
      }
    }
    const now = this.clock.now();
    this.stores.transaction(() => {
      for (const p of fresh) this.stores.profiles.create(p, now);
    });
    for (const p of fresh) this.registry.putProfile(p);
    return fresh.map((p) => p.id);
  }

  private require(id: string): MappingProfile {
    const p = this.registry.profiles.get(id);
    if (!p) throw notFound(`profile "${id}" not found`);
    return p;
  }

  private parse(body: unknown, id: string | undefined): MappingProfile {
    const parsed = parseOrThrow(profileBodySchema, body, 'mapping profile');
    if (id && parsed.id && parsed.id !== id) throw invalid(`id "${parsed.id}" does not match the profile being updated ("${id}")`, 'id');
    const codes = [...this.registry.idleCodes.values()];
    const rules = parsed.rules.map((rule, i) => {
      const code = resolveCode(codes, rule.idleCodeId, rule.idleCodeName);
      const wanted = rule.idleCodeId ?? rule.idleCodeName ?? '';
      const problem = idleCodeProblem(code, wanted);
      if (problem) throw invalid(`rules[${i}]: ${problem}`, `rules[${i}].${rule.idleCodeId ? 'idleCodeId' : 'idleCodeName'}`);
      return { teamsState: rule.teamsState, idleCodeId: code!.id };
    });
    return {
      id: id ?? parsed.id ?? randomUUID(),
      name: parsed.name,
      ...(parsed.description ? { description: parsed.description } : {}),
      rules,
      settleDelayMs: parsed.settleDelayMs,
      syncMode: parsed.syncMode,
      releaseOnDisable: parsed.releaseOnDisable,
    };
  }

  private view(p: MappingProfile): ProfileView {
    return {
      ...p,
      rules: p.rules.map((r) => ({ ...r, idleCodeName: this.registry.idleCodeName(r.idleCodeId) })),
      teams: [...this.registry.teams.values()].filter((t) => t.profileId === p.id).map((t) => t.id),
    };
  }
}

function resolveCode(codes: IdleCode[], id: string | undefined, name: string | undefined): IdleCode | undefined {
  if (id) return codes.find((c) => c.id === id);
  const wanted = (name ?? '').trim().toLowerCase();
  return codes.find((c) => c.name.trim().toLowerCase() === wanted);
}
