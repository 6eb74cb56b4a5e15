/**
 * The first schema of a tenant's cache. Tables mirror the synced entities of DOMAIN.md (column
 * names as written there, snake_case), plus the client-only tables of SYNC.md.
 *
 * Conventions:
 * - One file holds one tenant, so child tables carry no tenant_id; the rows that name a tenant
 *   on the server (membership, session, audit_event) keep it, as received.
 * - Times are ISO-8601 UTC text ('2024-03-01T06:00:00.000Z'), which sorts as it reads.
 * - `version` is the server's row version (the baseVersion of a later update);
 *   `pending_mutation_id` marks an optimistic local row until a pull brings the server's.
 * - No foreign keys: the server enforces them, and pulled pages may arrive child first.
 * - STRICT tables: a value of the wrong type is refused instead of stored.
 */
export const sql = String.raw`
CREATE TABLE tenant (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  region TEXT,
  offline_grant_hours INTEGER NOT NULL DEFAULT 72,
  session_idle_minutes INTEGER,
  session_absolute_hours INTEGER,
  lockout_threshold INTEGER,
  retention_days INTEGER,
  version INTEGER NOT NULL DEFAULT 1,
  pending_mutation_id TEXT
) STRICT;

CREATE TABLE user (
  id TEXT PRIMARY KEY,
  email TEXT NOT NULL,
  display_name TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'deactivated', 'erased')),
  global_role TEXT NOT NULL DEFAULT 'none' CHECK (global_role IN ('none', 'support', 'superadmin')),
  version INTEGER NOT NULL DEFAULT 1,
  pending_mutation_id TEXT
) STRICT;
CREATE INDEX user_by_email ON user (email);

CREATE TABLE role (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  -- [{"action","access","entity"}], as the server sends it
  grants TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(grants)),
  version INTEGER NOT NULL DEFAULT 1,
  pending_mutation_id TEXT
) STRICT;

CREATE TABLE membership (
  id TEXT PRIMARY KEY,
  user_id TEXT NOT NULL,
  tenant_id TEXT NOT NULL,
  -- viewer | contributor | admin, or 'custom' with role_id set
  org_role TEXT NOT NULL CHECK (org_role IN ('viewer', 'contributor', 'admin', 'custom')),
  role_id TEXT,
  -- ["area id", ...]
  areas TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(areas)),
  -- {"shift_logs": true, "handovers": true, "audit": false, "users": true, "exports": true}
  module_flags TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(module_flags)),
  version INTEGER NOT NULL DEFAULT 1,
  pending_mutation_id TEXT
) STRICT;
CREATE UNIQUE INDEX membership_by_user ON membership (user_id, tenant_id);

CREATE TABLE session (
  id TEXT PRIMARY KEY,
  user_id TEXT NOT NULL,
  tenant_id TEXT NOT NULL,
  created_at TEXT NOT NULL,
  last_seen_at TEXT,
  idle_expires_at TEXT,
  absolute_expires_at TEXT,
  ip TEXT,
  device_id TEXT,
  device_name TEXT,
  user_agent TEXT,
  revoked_at TEXT,
  revoked_by TEXT,
  version INTEGER NOT NULL DEFAULT 1,
  pending_mutation_id TEXT
) STRICT;
CREATE INDEX session_by_user ON session (user_id, created_at);
CREATE INDEX session_by_created ON session (created_at, id);

CREATE TABLE area (
  id TEXT PRIMARY KEY,
  parent_id TEXT,
  kind TEXT NOT NULL CHECK (kind IN ('site', 'section', 'area', 'unit')),
  name TEXT NOT NULL,
  -- IANA zone; set on sites, inherited below them
  time_zone TEXT,
  version INTEGER NOT NULL DEFAULT 1,
  pending_mutation_id TEXT
) STRICT;
CREATE INDEX area_by_parent ON area (parent_id);

CREATE TABLE equipment (
  id TEXT PRIMARY KEY,
  tag TEXT NOT NULL,
  area_id TEXT NOT NULL,
  name TEXT,
  version INTEGER NOT NULL DEFAULT 1,
  pending_mutation_id TEXT
) STRICT;
CREATE INDEX equipment_by_tag ON equipment (tag);

CREATE TABLE shift_log (
  id TEXT PRIMARY KEY,
  area_id TEXT NOT NULL,
  -- the shift's date in the site's zone, YYYY-MM-DD
  shift_date TEXT NOT NULL,
  shift_name TEXT NOT NULL,
  crew TEXT,
  starts_at TEXT NOT NULL,
  ends_at TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'submitted', 'reviewed', 'signed')),
  -- who opened the log: what "own" scope means for a shift log
  created_by TEXT,
  -- set by the audited reopen transition; later additions show "added after sign-off"
  reopened_at TEXT,
  version INTEGER NOT NULL DEFAULT 1,
  pending_mutation_id TEXT
) STRICT;
CREATE INDEX shift_log_by_start ON shift_log (starts_at, id);
CREATE INDEX shift_log_by_area ON shift_log (area_id, starts_at, id);
CREATE INDEX shift_log_by_date ON shift_log (shift_date, starts_at, id);

CREATE TABLE log_entry (
  -- local rowid alias: the FTS row of this entry; never synced
  row_no INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  shift_log_id TEXT NOT NULL,
  area_id TEXT NOT NULL,
  equipment_tag TEXT,
  category TEXT NOT NULL CHECK (category IN ('operations', 'safety', 'maintenance', 'quality', 'environmental', 'other')),
  severity TEXT NOT NULL CHECK (severity IN ('info', 'low', 'medium', 'high', 'critical')),
  body TEXT NOT NULL,
  occurred_at TEXT NOT NULL,
  recorded_at TEXT NOT NULL,
  author_id TEXT NOT NULL,
  late INTEGER NOT NULL DEFAULT 0 CHECK (late IN (0, 1)),
  late_reason TEXT,
  state TEXT NOT NULL DEFAULT 'active' CHECK (state IN ('active', 'voided')),
  version INTEGER NOT NULL DEFAULT 1,
  pending_mutation_id TEXT
) STRICT;
CREATE INDEX log_entry_by_occurred ON log_entry (occurred_at, id);
CREATE INDEX log_entry_by_area ON log_entry (area_id, occurred_at, id);
CREATE INDEX log_entry_by_author ON log_entry (author_id, occurred_at, id);
CREATE INDEX log_entry_by_shift_log ON log_entry (shift_log_id, recorded_at);

CREATE TABLE entry_amendment (
  id TEXT PRIMARY KEY,
  entry_id TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('correction', 'addendum', 'void')),
  body TEXT,
  -- {"field": new value, ...} for corrections of fields other than the body
  fields_changed TEXT CHECK (fields_changed IS NULL OR json_valid(fields_changed)),
  reason TEXT NOT NULL,
  author_id TEXT NOT NULL,
  at TEXT NOT NULL,
  version INTEGER NOT NULL DEFAULT 1,
  pending_mutation_id TEXT
) STRICT;
CREATE INDEX entry_amendment_by_entry ON entry_amendment (entry_id, at);

CREATE TABLE comment (
  id TEXT PRIMARY KEY,
  shift_log_id TEXT NOT NULL,
  -- null: on the shift log itself
  entry_id TEXT,
  author_id TEXT NOT NULL,
  body TEXT NOT NULL,
  at TEXT NOT NULL,
  version INTEGER NOT NULL DEFAULT 1,
  pending_mutation_id TEXT
) STRICT;
CREATE INDEX comment_by_shift_log ON comment (shift_log_id, at);

CREATE TABLE signoff (
  id TEXT PRIMARY KEY,
  shift_log_id TEXT NOT NULL,
  signer_id TEXT NOT NULL,
  printed_name TEXT NOT NULL,
  meaning TEXT NOT NULL CHECK (meaning IN ('reviewed', 'approved', 'handed_over', 'accepted')),
  signed_at TEXT NOT NULL,
  auth_method TEXT NOT NULL,
  -- SHA-256 of the exact content signed
  content_hash TEXT NOT NULL,
  version INTEGER NOT NULL DEFAULT 1,
  pending_mutation_id TEXT
) STRICT;
CREATE INDEX signoff_by_shift_log ON signoff (shift_log_id, signed_at);

CREATE TABLE handover (
  id TEXT PRIMARY KEY,
  from_shift_log_id TEXT NOT NULL,
  to_shift_log_id TEXT,
  -- [{"text", "entry_id"?}] carried over
  open_items TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(open_items)),
  outgoing_ack_by TEXT,
  outgoing_ack_at TEXT,
  incoming_ack_by TEXT,
  incoming_ack_at TEXT,
  version INTEGER NOT NULL DEFAULT 1,
  pending_mutation_id TEXT
) STRICT;
CREATE INDEX handover_by_from ON handover (from_shift_log_id);
CREATE INDEX handover_by_to ON handover (to_shift_log_id);

-- The server's audit chain, as downloaded: append-only here as there.
CREATE TABLE audit_event (
  tenant_id TEXT NOT NULL,
  seq INTEGER PRIMARY KEY,
  id TEXT,
  server_time TEXT NOT NULL,
  client_time TEXT,
  actor_id TEXT,
  session_id TEXT,
  ip TEXT,
  device_id TEXT,
  action TEXT NOT NULL,
  entity TEXT NOT NULL,
  entity_id TEXT,
  -- from the change's scope: what "area" access means for an audit event
  area_id TEXT,
  before TEXT CHECK (before IS NULL OR json_valid(before)),
  after TEXT CHECK (after IS NULL OR json_valid(after)),
  reason TEXT,
  prev_hash TEXT,
  hash TEXT NOT NULL
) STRICT;
CREATE INDEX audit_event_by_time ON audit_event (server_time, seq);
CREATE INDEX audit_event_by_actor ON audit_event (actor_id, seq);
CREATE INDEX audit_event_by_entity ON audit_event (entity, entity_id, seq);

CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_event
BEGIN SELECT RAISE(ABORT, 'audit_event is append-only'); END;
CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_event
BEGIN SELECT RAISE(ABORT, 'audit_event is append-only'); END;

-- Local-only actions (sign-in, unlock, lock, export, wipe...), as this workstation saw them.
CREATE TABLE local_audit (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  at TEXT NOT NULL,
  actor_id TEXT,
  action TEXT NOT NULL,
  details TEXT CHECK (details IS NULL OR json_valid(details)),
  -- the outbox mutation that reports it to the server, when there is one
  mutation_id TEXT
) STRICT;

CREATE TRIGGER local_audit_no_update BEFORE UPDATE ON local_audit
BEGIN SELECT RAISE(ABORT, 'local_audit is append-only'); END;
CREATE TRIGGER local_audit_no_delete BEFORE DELETE ON local_audit
BEGIN SELECT RAISE(ABORT, 'local_audit is append-only'); END;

-- Mutations waiting for, or answered by, POST /sync/push.
CREATE TABLE outbox (
  -- per-client sequence, +1 each (SYNC.md "seq")
  seq INTEGER PRIMARY KEY,
  -- UUIDv7 mutation id
  id TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  args TEXT NOT NULL CHECK (json_valid(args)),
  base_version INTEGER,
  client_time TEXT NOT NULL,
  grant_id TEXT,
  status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'applied', 'rejected', 'conflict')),
  attempts INTEGER NOT NULL DEFAULT 0,
  last_error TEXT,
  result TEXT CHECK (result IS NULL OR json_valid(result)),
  applied_seq INTEGER
) STRICT;
CREATE INDEX outbox_by_status ON outbox (status, seq);

CREATE TABLE sync_state (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  cursor INTEGER NOT NULL DEFAULT 0,
  policy_version TEXT,
  last_ok_at TEXT,
  client_id TEXT
) STRICT;
INSERT INTO sync_state (id) VALUES (1);

-- Rejected or conflicting mutations, kept visible until a person retries or discards them.
CREATE TABLE conflicts (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  mutation_id TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  args TEXT NOT NULL CHECK (json_valid(args)),
  reason TEXT NOT NULL CHECK (reason IN ('conflict', 'forbidden', 'invalid')),
  server_row TEXT CHECK (server_row IS NULL OR json_valid(server_row)),
  created_at TEXT NOT NULL,
  resolved_at TEXT,
  resolution TEXT CHECK (resolution IS NULL OR resolution IN ('retried', 'discarded'))
) STRICT;

-- Full-text index over log entries: body, equipment tag, area name, category, and the text of
-- their amendments. Contentless (the text already sits in log_entry), rowid = log_entry.row_no,
-- kept in step by the triggers below.
CREATE VIRTUAL TABLE log_entry_fts USING fts5(
  body, equipment_tag, area_name, category, amendments,
  content = '', contentless_delete = 1,
  tokenize = 'unicode61 remove_diacritics 2'
);

CREATE TRIGGER log_entry_fts_after_insert AFTER INSERT ON log_entry BEGIN
  INSERT INTO log_entry_fts (rowid, body, equipment_tag, area_name, category, amendments)
  VALUES (new.row_no, new.body, new.equipment_tag, (SELECT name FROM area WHERE id = new.area_id), new.category,
          (SELECT group_concat(body, ' ') FROM entry_amendment WHERE entry_id = new.id));
END;
CREATE TRIGGER log_entry_fts_after_update AFTER UPDATE OF id, body, equipment_tag, area_id, category ON log_entry BEGIN
  DELETE FROM log_entry_fts WHERE rowid = old.row_no;
  INSERT INTO log_entry_fts (rowid, body, equipment_tag, area_name, category, amendments)
  VALUES (new.row_no, new.body, new.equipment_tag, (SELECT name FROM area WHERE id = new.area_id), new.category,
          (SELECT group_concat(body, ' ') FROM entry_amendment WHERE entry_id = new.id));
END;
CREATE TRIGGER log_entry_fts_after_delete AFTER DELETE ON log_entry BEGIN
  DELETE FROM log_entry_fts WHERE rowid = old.row_no;
END;

-- An area's name is part of its entries' index rows: re-index them when it is named or renamed
-- (a pulled page may bring the area after its entries).
CREATE TRIGGER area_fts_after_insert AFTER INSERT ON area BEGIN
  DELETE FROM log_entry_fts WHERE rowid IN (SELECT row_no FROM log_entry WHERE area_id = new.id);
  INSERT INTO log_entry_fts (rowid, body, equipment_tag, area_name, category, amendments)
  SELECT e.row_no, e.body, e.equipment_tag, new.name, e.category,
         (SELECT group_concat(a.body, ' ') FROM entry_amendment a WHERE a.entry_id = e.id)
  FROM log_entry e WHERE e.area_id = new.id;
END;
CREATE TRIGGER area_fts_after_update AFTER UPDATE OF id, name ON area BEGIN
  DELETE FROM log_entry_fts WHERE rowid IN (SELECT row_no FROM log_entry WHERE area_id IN (old.id, new.id));
  INSERT INTO log_entry_fts (rowid, body, equipment_tag, area_name, category, amendments)
  SELECT e.row_no, e.body, e.equipment_tag, (SELECT name FROM area WHERE id = e.area_id), e.category,
         (SELECT group_concat(a.body, ' ') FROM entry_amendment a WHERE a.entry_id = e.id)
  FROM log_entry e WHERE e.area_id IN (old.id, new.id);
END;

-- Amendment text is searchable with its entry.
CREATE TRIGGER entry_amendment_fts_after_insert AFTER INSERT ON entry_amendment BEGIN
  DELETE FROM log_entry_fts WHERE rowid = (SELECT row_no FROM log_entry WHERE id = new.entry_id);
  INSERT INTO log_entry_fts (rowid, body, equipment_tag, area_name, category, amendments)
  SELECT e.row_no, e.body, e.equipment_tag, (SELECT name FROM area WHERE id = e.area_id), e.category,
         (SELECT group_concat(a.body, ' ') FROM entry_amendment a WHERE a.entry_id = e.id)
  FROM log_entry e WHERE e.id = new.entry_id;
END;
CREATE TRIGGER entry_amendment_fts_after_update AFTER UPDATE OF entry_id, body ON entry_amendment BEGIN
  DELETE FROM log_entry_fts WHERE rowid IN (SELECT row_no FROM log_entry WHERE id IN (old.entry_id, new.entry_id));
  INSERT INTO log_entry_fts (rowid, body, equipment_tag, area_name, category, amendments)
  SELECT e.row_no, e.body, e.equipment_tag, (SELECT name FROM area WHERE id = e.area_id), e.category,
         (SELECT group_concat(a.body, ' ') FROM entry_amendment a WHERE a.entry_id = e.id)
  FROM log_entry e WHERE e.id IN (old.entry_id, new.entry_id);
END;
CREATE TRIGGER entry_amendment_fts_after_delete AFTER DELETE ON entry_amendment BEGIN
  DELETE FROM log_entry_fts WHERE rowid = (SELECT row_no FROM log_entry WHERE id = old.entry_id);
  INSERT INTO log_entry_fts (rowid, body, equipment_tag, area_name, category, amendments)
  SELECT e.row_no, e.body, e.equipment_tag, (SELECT name FROM area WHERE id = e.area_id), e.category,
         (SELECT group_concat(a.body, ' ') FROM entry_amendment a WHERE a.entry_id = e.id)
  FROM log_entry e WHERE e.id = old.entry_id;
END;
`;
