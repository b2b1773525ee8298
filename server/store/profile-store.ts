import type { MappingProfile } from '../domain/mapping.js';
import type { Db } from './db.js';

export interface TeamRecord {
  id: string;
  name: string;
  syncEnabled: boolean;
  profileId: string | null;
}

/** Mapping profiles (stored as validated JSON bodies) and the teams they are assigned to. */
export class ProfileStore {
  private readonly selectAll;
  private readonly selectOne;
  private readonly insert;
  private readonly update;
  private readonly remove;
  private readonly teamsAll;
  private readonly teamUpsert;
  private readonly teamSync;
  private readonly teamProfile;

  constructor(private readonly db: Db) {
    this.selectAll = db.prepare('SELECT body FROM profiles ORDER BY name');
    this.selectOne = db.prepare('SELECT body FROM profiles WHERE id = ?');
    this.insert = db.prepare('INSERT INTO profiles (id, name, body, created_at, updated_at) VALUES (@id, @name, @body, @now, @now)');
    this.update = db.prepare('UPDATE profiles SET name = @name, body = @body, updated_at = @now WHERE id = @id');
    this.remove = db.prepare('DELETE FROM profiles WHERE id = ?');
    this.teamsAll = db.prepare('SELECT id, name, sync_enabled, profile_id FROM teams ORDER BY name');
    this.teamUpsert = db.prepare(
      `INSERT INTO teams (id, name, sync_enabled, profile_id) VALUES (@id, @name, 1, @profileId)
       ON CONFLICT(id) DO UPDATE SET name = excluded.name`,
    );
    this.teamSync = db.prepare('UPDATE teams SET sync_enabled = ? WHERE id = ?');
    this.teamProfile = db.prepare('UPDATE teams SET profile_id = ? WHERE id = ?');
  }

  all(): MappingProfile[] {
    return (this.selectAll.all() as { body: string }[]).map((r) => JSON.parse(r.body) as MappingProfile);
  }

  get(id: string): MappingProfile | null {
    const row = this.selectOne.get(id) as { body: string } | undefined;
    return row ? (JSON.parse(row.body) as MappingProfile) : null;
  }

  create(p: MappingProfile, now: number): void {
    this.insert.run({ id: p.id, name: p.name, body: JSON.stringify(p), now });
  }

  replace(p: MappingProfile, now: number): void {
    this.update.run({ id: p.id, name: p.name, body: JSON.stringify(p), now });
  }

  delete(id: string): void {
    this.remove.run(id);
  }

  teams(): TeamRecord[] {
    return (this.teamsAll.all() as { id: string; name: string; sync_enabled: number; profile_id: string | null }[]).map((r) => ({
      id: r.id,
      name: r.name,
      syncEnabled: r.sync_enabled === 1,
      profileId: r.profile_id,
    }));
  }

  /** New teams get the given default profile; existing teams keep their settings. */
  upsertTeams(teams: readonly { id: string; name: string }[], defaultProfileId: string | null): void {
    this.db.transaction(() => {
      for (const t of teams) this.teamUpsert.run({ id: t.id, name: t.name, profileId: defaultProfileId });
    })();
  }

  setTeamSync(teamId: string, enabled: boolean): void {
    this.teamSync.run(enabled ? 1 : 0, teamId);
  }

  assignProfile(teamId: string, profileId: string | null): void {
    this.teamProfile.run(profileId, teamId);
  }
}
