-- The plant and its shift logs (DOMAIN.md "Plant and shift logs"). Originals are never
-- rewritten: corrections are amendments, sign-offs and comments are new rows.

CREATE TABLE areas (
  tenant_id uuid NOT NULL REFERENCES tenants (id),
  id uuid PRIMARY KEY,
  parent_id uuid REFERENCES areas (id),
  kind text NOT NULL CHECK (kind IN ('site', 'section', 'area', 'unit')),
  name text NOT NULL,
  -- IANA zone, on sites; shift dates and shift boundaries are computed in it.
  time_zone text,
  created_at timestamptz NOT NULL,
  CHECK (kind <> 'site' OR time_zone IS NOT NULL)
);
CREATE INDEX areas_tenant_parent ON areas (tenant_id, parent_id);

CREATE TABLE equipment (
  tenant_id uuid NOT NULL REFERENCES tenants (id),
  id uuid PRIMARY KEY,
  area_id uuid NOT NULL REFERENCES areas (id),
  tag text NOT NULL,
  description text NOT NULL DEFAULT '',
  created_at timestamptz NOT NULL,
  UNIQUE (tenant_id, tag)
);

CREATE TABLE shift_logs (
  tenant_id uuid NOT NULL REFERENCES tenants (id),
  id uuid PRIMARY KEY,
  area_id uuid NOT NULL REFERENCES areas (id),
  shift_date date NOT NULL,
  shift_name text NOT NULL,
  crew text,
  starts_at timestamptz NOT NULL,
  ends_at timestamptz NOT NULL CHECK (ends_at > starts_at),
  status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'submitted', 'reviewed', 'signed')),
  reopened_at timestamptz,
  created_by uuid NOT NULL REFERENCES users (id),
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  version integer NOT NULL DEFAULT 1
);
CREATE INDEX shift_logs_tenant_area_date ON shift_logs (tenant_id, area_id, shift_date);

CREATE TABLE log_entries (
  tenant_id uuid NOT NULL REFERENCES tenants (id),
  -- UUIDv7 made by the client, so entries written offline need no server round trip.
  id uuid PRIMARY KEY,
  shift_log_id uuid NOT NULL REFERENCES shift_logs (id),
  area_id uuid NOT NULL REFERENCES areas (id),
  equipment_tag text,
  category text NOT NULL CHECK (category IN ('operations', 'safety', 'maintenance', 'quality', 'environmental', 'other')),
  severity text NOT NULL CHECK (severity IN ('info', 'low', 'medium', 'high', 'critical')),
  body text NOT NULL,
  occurred_at timestamptz NOT NULL,
  recorded_at timestamptz NOT NULL,
  author_id uuid NOT NULL REFERENCES users (id),
  late boolean NOT NULL DEFAULT false,
  late_reason text,
  state text NOT NULL DEFAULT 'active' CHECK (state IN ('active', 'voided')),
  added_after_signoff boolean NOT NULL DEFAULT false,
  version integer NOT NULL DEFAULT 1,
  CHECK (NOT late OR late_reason IS NOT NULL)
);
CREATE INDEX log_entries_tenant_shift_log ON log_entries (tenant_id, shift_log_id);
CREATE INDEX log_entries_tenant_occurred ON log_entries (tenant_id, occurred_at);

CREATE TABLE entry_amendments (
  tenant_id uuid NOT NULL REFERENCES tenants (id),
  id uuid PRIMARY KEY,
  entry_id uuid NOT NULL REFERENCES log_entries (id),
  area_id uuid NOT NULL REFERENCES areas (id),
  kind text NOT NULL CHECK (kind IN ('correction', 'addendum', 'void')),
  body text,
  fields jsonb NOT NULL DEFAULT '{}',
  reason text NOT NULL CHECK (reason <> ''),
  author_id uuid NOT NULL REFERENCES users (id),
  created_at timestamptz NOT NULL
);
CREATE INDEX entry_amendments_tenant_entry ON entry_amendments (tenant_id, entry_id);

CREATE TABLE comments (
  tenant_id uuid NOT NULL REFERENCES tenants (id),
  id uuid PRIMARY KEY,
  shift_log_id uuid NOT NULL REFERENCES shift_logs (id),
  entry_id uuid REFERENCES log_entries (id),
  area_id uuid NOT NULL REFERENCES areas (id),
  body text NOT NULL,
  author_id uuid NOT NULL REFERENCES users (id),
  created_at timestamptz NOT NULL
);
CREATE INDEX comments_tenant_shift_log ON comments (tenant_id, shift_log_id);

CREATE TABLE signoffs (
  tenant_id uuid NOT NULL REFERENCES tenants (id),
  id uuid PRIMARY KEY,
  shift_log_id uuid NOT NULL REFERENCES shift_logs (id),
  area_id uuid NOT NULL REFERENCES areas (id),
  signer_id uuid NOT NULL REFERENCES users (id),
  printed_name text NOT NULL,
  meaning text NOT NULL CHECK (meaning IN ('reviewed', 'approved', 'handed_over', 'accepted')),
  signed_at timestamptz NOT NULL,
  auth_method text NOT NULL CHECK (auth_method IN ('password_online', 'password_offline')),
  -- SHA-256 of the canonical JSON of exactly what was signed.
  content_hash text NOT NULL
);
CREATE INDEX signoffs_tenant_shift_log ON signoffs (tenant_id, shift_log_id);

CREATE TABLE handovers (
  tenant_id uuid NOT NULL REFERENCES tenants (id),
  id uuid PRIMARY KEY,
  area_id uuid NOT NULL REFERENCES areas (id),
  from_shift_log_id uuid NOT NULL REFERENCES shift_logs (id),
  to_shift_log_id uuid REFERENCES shift_logs (id),
  open_items jsonb NOT NULL DEFAULT '[]',
  outgoing_ack_by uuid REFERENCES users (id),
  outgoing_ack_at timestamptz,
  incoming_ack_by uuid REFERENCES users (id),
  incoming_ack_at timestamptz,
  created_by uuid NOT NULL REFERENCES users (id),
  created_at timestamptz NOT NULL,
  version integer NOT NULL DEFAULT 1
);
CREATE INDEX handovers_tenant_from ON handovers (tenant_id, from_shift_log_id);

ALTER TABLE areas ENABLE ROW LEVEL SECURITY;
ALTER TABLE areas FORCE ROW LEVEL SECURITY;
CREATE POLICY areas_tenant ON areas USING (tenant_id = app_tenant_id()) WITH CHECK (tenant_id = app_tenant_id());
ALTER TABLE equipment ENABLE ROW LEVEL SECURITY;
ALTER TABLE equipment FORCE ROW LEVEL SECURITY;
CREATE POLICY equipment_tenant ON equipment USING (tenant_id = app_tenant_id()) WITH CHECK (tenant_id = app_tenant_id());
ALTER TABLE shift_logs ENABLE ROW LEVEL SECURITY;
ALTER TABLE shift_logs FORCE ROW LEVEL SECURITY;
CREATE POLICY shift_logs_tenant ON shift_logs USING (tenant_id = app_tenant_id()) WITH CHECK (tenant_id = app_tenant_id());
ALTER TABLE log_entries ENABLE ROW LEVEL SECURITY;
ALTER TABLE log_entries FORCE ROW LEVEL SECURITY;
CREATE POLICY log_entries_tenant ON log_entries USING (tenant_id = app_tenant_id()) WITH CHECK (tenant_id = app_tenant_id());
ALTER TABLE entry_amendments ENABLE ROW LEVEL SECURITY;
ALTER TABLE entry_amendments FORCE ROW LEVEL SECURITY;
CREATE POLICY entry_amendments_tenant ON entry_amendments USING (tenant_id = app_tenant_id()) WITH CHECK (tenant_id = app_tenant_id());
ALTER TABLE comments ENABLE ROW LEVEL SECURITY;
ALTER TABLE comments FORCE ROW LEVEL SECURITY;
CREATE POLICY comments_tenant ON comments USING (tenant_id = app_tenant_id()) WITH CHECK (tenant_id = app_tenant_id());
ALTER TABLE signoffs ENABLE ROW LEVEL SECURITY;
ALTER TABLE signoffs FORCE ROW LEVEL SECURITY;
CREATE POLICY signoffs_tenant ON signoffs USING (tenant_id = app_tenant_id()) WITH CHECK (tenant_id = app_tenant_id());
ALTER TABLE handovers ENABLE ROW LEVEL SECURITY;
ALTER TABLE handovers FORCE ROW LEVEL SECURITY;
CREATE POLICY handovers_tenant ON handovers USING (tenant_id = app_tenant_id()) WITH CHECK (tenant_id = app_tenant_id());

GRANT SELECT, INSERT, UPDATE ON areas, equipment, shift_logs, log_entries, handovers TO plantdesk_app;
-- Amendments, comments and sign-offs are facts once written.
GRANT SELECT, INSERT ON entry_amendments, comments, signoffs TO plantdesk_app;
-- Erasure pseudonymises the printed name on a sign-off, and nothing else there.
GRANT UPDATE (printed_name) ON signoffs TO plantdesk_app;
