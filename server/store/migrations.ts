/** Schema versions, applied in order, each once. Never edit a released entry: append a new one. */
export const MIGRATIONS: string[] = [
  `
  CREATE TABLE connector (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    lifecycle TEXT NOT NULL CHECK (lifecycle IN ('unconfigured', 'active', 'inactive', 'deleted')),
    settings TEXT NOT NULL DEFAULT '{}',
    changed_at INTEGER NOT NULL
  );
  INSERT INTO connector (id, lifecycle, settings, changed_at) VALUES (1, 'unconfigured', '{}', 0);

  CREATE TABLE profiles (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    body TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
  );

  CREATE TABLE teams (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    sync_enabled INTEGER NOT NULL DEFAULT 1,
    profile_id TEXT REFERENCES profiles(id) ON DELETE SET NULL
  );

  CREATE TABLE agents (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    email TEXT NOT NULL,
    team_id TEXT,
    teams_user_id TEXT,
    cc_state TEXT NOT NULL DEFAULT 'LoggedOut',
    idle_code_id TEXT,
    origin TEXT NOT NULL DEFAULT 'unknown',
    state_changed_at INTEGER NOT NULL DEFAULT 0,
    contact TEXT,
    presence TEXT,
    presence_at INTEGER,
    pending_idle_code_id TEXT,
    release_due_at INTEGER,
    override_presence TEXT,
    paused_until INTEGER,
    in_flight TEXT,
    last_decision_id INTEGER,
    updated_at INTEGER NOT NULL DEFAULT 0
  );
  CREATE INDEX agents_teams_user ON agents(teams_user_id);
  CREATE INDEX agents_email ON agents(email);
  CREATE INDEX agents_release_due ON agents(release_due_at) WHERE release_due_at IS NOT NULL;

  CREATE TABLE audit (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at INTEGER NOT NULL,
    agent_id TEXT NOT NULL,
    trigger TEXT NOT NULL,
    action TEXT NOT NULL,
    reason TEXT NOT NULL,
    text TEXT NOT NULL,
    teams_state TEXT,
    inputs TEXT NOT NULL,
    command TEXT,
    result TEXT NOT NULL,
    result_detail TEXT,
    tracking_id TEXT,
    sent_at INTEGER,
    result_at INTEGER
  );
  CREATE INDEX audit_agent ON audit(agent_id, id);
  CREATE INDEX audit_tracking ON audit(tracking_id) WHERE tracking_id IS NOT NULL;

  CREATE TABLE api_keys (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('admin', 'supervisor', 'agent')),
    agent_id TEXT,
    hash TEXT NOT NULL UNIQUE,
    created_at INTEGER NOT NULL,
    revoked_at INTEGER
  );

  CREATE TABLE idle_codes (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    is_system INTEGER NOT NULL,
    active INTEGER NOT NULL,
    is_default INTEGER NOT NULL DEFAULT 0,
    updated_at INTEGER NOT NULL
  );
  `,
  // The last command the connector saw applied to the agent: its id is matched against the marker the contact
  // center echoes in the state-change reason, so ownership survives a restart.
  `ALTER TABLE agents ADD COLUMN applied_command TEXT;`,
  // The parameters of the decision's reason code (Teams state, idle-code name, time), so an audit entry renders in
  // its reader's language; the code itself is `<action>.<reason>`.
  `ALTER TABLE audit ADD COLUMN reason_params TEXT;`,
  // Delegated service accounts signed in through the authorization-code flow: msal's token cache (one blob,
  // AES-256-GCM encrypted, refresh tokens inside) and each account's sign-in state for the admin page.
  `
  CREATE TABLE graph_token_cache (
    id TEXT PRIMARY KEY,
    key_id TEXT NOT NULL,
    iv BLOB NOT NULL,
    tag BLOB NOT NULL,
    data BLOB NOT NULL,
    updated_at INTEGER NOT NULL
  );
  CREATE TABLE graph_service_accounts (
    username TEXT PRIMARY KEY,
    home_account_id TEXT,
    state TEXT NOT NULL CHECK (state IN ('signed-in', 'sign-in-required')),
    detail TEXT,
    signed_in_at INTEGER,
    renewed_at INTEGER,
    updated_at INTEGER NOT NULL
  );
  `,
  // Audit by time: retention pruning finds what is old and export reads a time range without scanning the table.
  `CREATE INDEX IF NOT EXISTS audit_at ON audit(at, id);`,
  // Administrative audit: who changed mappings, lifecycle, team sync or keys, when, and the value before and after.
  // Sandbox keys are marked so that a database later used in live mode refuses them.
  `
  CREATE TABLE admin_audit (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at INTEGER NOT NULL,
    actor TEXT NOT NULL,
    actor_role TEXT NOT NULL,
    action TEXT NOT NULL,
    target TEXT,
    before_json TEXT,
    after_json TEXT
  );
  CREATE INDEX admin_audit_at ON admin_audit(at, id);
  ALTER TABLE api_keys ADD COLUMN sandbox_only INTEGER NOT NULL DEFAULT 0;
  `,
];
