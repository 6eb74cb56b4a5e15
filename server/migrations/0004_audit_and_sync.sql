-- Per-tenant ordering (SYNC.md) and the tamper-evident audit trail (SECURITY.md).

-- One row per tenant, locked (SELECT ... FOR UPDATE) by every transaction that writes a
-- change or an audit event, so both sequences are gapless and the hash chain is linear
-- however many server instances write at once.
CREATE TABLE tenant_seq (
  tenant_id uuid PRIMARY KEY REFERENCES tenants (id),
  last_seq bigint NOT NULL DEFAULT 0,
  last_audit_seq bigint NOT NULL DEFAULT 0,
  last_audit_hash text NOT NULL DEFAULT repeat('0', 64)
);

CREATE TABLE change_log (
  tenant_id uuid NOT NULL REFERENCES tenants (id),
  seq bigint NOT NULL,
  entity text NOT NULL,
  entity_id text NOT NULL,
  op text NOT NULL CHECK (op IN ('upsert', 'delete')),
  row jsonb,
  -- What visibility depends on (area_id, author_id, ...), so pull filters without joins.
  scope jsonb NOT NULL DEFAULT '{}',
  PRIMARY KEY (tenant_id, seq)
);

CREATE TABLE client_mutations (
  tenant_id uuid NOT NULL REFERENCES tenants (id),
  client_id text NOT NULL,
  mutation_id uuid PRIMARY KEY,
  client_seq bigint NOT NULL,
  user_id uuid NOT NULL REFERENCES users (id),
  seq bigint,
  status text NOT NULL CHECK (status IN ('applied', 'rejected', 'conflict')),
  result jsonb NOT NULL DEFAULT '{}',
  at timestamptz NOT NULL,
  UNIQUE (tenant_id, client_id, client_seq)
);

CREATE TABLE audit_events (
  tenant_id uuid NOT NULL REFERENCES tenants (id),
  seq bigint NOT NULL,
  id uuid NOT NULL UNIQUE,
  server_time timestamptz NOT NULL,
  client_time timestamptz,
  actor_id uuid,
  session_id uuid,
  ip text,
  device_id text,
  action text NOT NULL,
  entity text NOT NULL,
  entity_id text,
  diff jsonb NOT NULL DEFAULT '{}',
  reason text,
  prev_hash text NOT NULL,
  -- SHA-256 of the RFC 8785 canonical JSON of the event without this field.
  hash text NOT NULL,
  PRIMARY KEY (tenant_id, seq)
);
CREATE INDEX audit_events_tenant_time ON audit_events (tenant_id, server_time, seq);
CREATE INDEX audit_events_tenant_actor ON audit_events (tenant_id, actor_id, seq);
CREATE INDEX audit_events_tenant_entity ON audit_events (tenant_id, entity, seq);

CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events
  FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
  FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();

ALTER TABLE tenant_seq ENABLE ROW LEVEL SECURITY;
ALTER TABLE tenant_seq FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_seq_tenant ON tenant_seq USING (tenant_id = app_tenant_id()) WITH CHECK (tenant_id = app_tenant_id());
ALTER TABLE change_log ENABLE ROW LEVEL SECURITY;
ALTER TABLE change_log FORCE ROW LEVEL SECURITY;
CREATE POLICY change_log_tenant ON change_log USING (tenant_id = app_tenant_id()) WITH CHECK (tenant_id = app_tenant_id());
ALTER TABLE client_mutations ENABLE ROW LEVEL SECURITY;
ALTER TABLE client_mutations FORCE ROW LEVEL SECURITY;
CREATE POLICY client_mutations_tenant ON client_mutations USING (tenant_id = app_tenant_id()) WITH CHECK (tenant_id = app_tenant_id());
ALTER TABLE audit_events ENABLE ROW LEVEL SECURITY;
ALTER TABLE audit_events FORCE ROW LEVEL SECURITY;
CREATE POLICY audit_events_tenant ON audit_events USING (tenant_id = app_tenant_id()) WITH CHECK (tenant_id = app_tenant_id());

GRANT SELECT, INSERT, UPDATE ON tenant_seq, client_mutations TO plantdesk_app;
GRANT SELECT, INSERT ON change_log, audit_events TO plantdesk_app;
