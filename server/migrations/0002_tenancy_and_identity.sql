-- Tenants, people and sign-in (DOMAIN.md "Tenancy and people"). Users are global identities
-- (email unique); a membership links a user to a tenant with a role, areas and module flags.

CREATE TABLE tenants (
  id uuid PRIMARY KEY,
  name text NOT NULL,
  region text NOT NULL DEFAULT 'eu',
  offline_grant_hours integer NOT NULL DEFAULT 72 CHECK (offline_grant_hours BETWEEN 1 AND 720),
  session_idle_minutes integer NOT NULL DEFAULT 30 CHECK (session_idle_minutes BETWEEN 1 AND 1440),
  session_absolute_hours integer NOT NULL DEFAULT 12 CHECK (session_absolute_hours BETWEEN 1 AND 720),
  lockout_threshold integer NOT NULL DEFAULT 10 CHECK (lockout_threshold BETWEEN 3 AND 100),
  retention_days integer NOT NULL DEFAULT 2555 CHECK (retention_days BETWEEN 30 AND 18250),
  settings_version integer NOT NULL DEFAULT 1,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL
);

CREATE TABLE users (
  id uuid PRIMARY KEY,
  -- The tenant whose admins own this identity (status, erasure); NULL for platform staff.
  home_tenant_id uuid REFERENCES tenants (id),
  email text NOT NULL UNIQUE CHECK (email = lower(email)),
  display_name text NOT NULL,
  status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'deactivated', 'erased')),
  global_role text NOT NULL DEFAULT 'none' CHECK (global_role IN ('none', 'support', 'superadmin')),
  password_hash text,
  totp_secret text,
  -- The last TOTP time step accepted: a code is never accepted twice.
  totp_last_step bigint,
  locked_at timestamptz,
  erased_at timestamptz,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  version integer NOT NULL DEFAULT 1
);

CREATE TABLE roles (
  tenant_id uuid NOT NULL REFERENCES tenants (id),
  id uuid PRIMARY KEY,
  name text NOT NULL,
  grants jsonb NOT NULL DEFAULT '[]',
  version integer NOT NULL DEFAULT 1,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  UNIQUE (tenant_id, name)
);

CREATE TABLE memberships (
  tenant_id uuid NOT NULL REFERENCES tenants (id),
  user_id uuid NOT NULL REFERENCES users (id),
  org_role text NOT NULL CHECK (org_role IN ('viewer', 'contributor', 'admin', 'custom')),
  custom_role_id uuid REFERENCES roles (id),
  areas jsonb NOT NULL DEFAULT '[]',
  module_flags jsonb NOT NULL,
  -- Bumped whenever what this membership may see changes (role, areas, flags): pull re-scopes.
  policy_version integer NOT NULL DEFAULT 1,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  PRIMARY KEY (tenant_id, user_id),
  CHECK ((org_role = 'custom') = (custom_role_id IS NOT NULL))
);
CREATE INDEX memberships_user ON memberships (user_id);

CREATE TABLE sessions (
  id uuid PRIMARY KEY,
  tenant_id uuid NOT NULL REFERENCES tenants (id),
  user_id uuid NOT NULL REFERENCES users (id),
  -- SHA-256 of the opaque token; the token itself is never stored.
  token_hash text NOT NULL UNIQUE,
  created_at timestamptz NOT NULL,
  last_seen_at timestamptz NOT NULL,
  ip text,
  device_id text NOT NULL,
  device_name text NOT NULL,
  user_agent text,
  revoked_at timestamptz,
  revoked_by uuid,
  revoke_reason text
);
CREATE INDEX sessions_tenant_user ON sessions (tenant_id, user_id);
CREATE INDEX sessions_tenant_page ON sessions (tenant_id, created_at, id);

-- Between the password step and the TOTP step: proves the password was right, briefly.
CREATE TABLE auth_challenges (
  id uuid PRIMARY KEY,
  challenge_hash text NOT NULL UNIQUE,
  user_id uuid NOT NULL REFERENCES users (id),
  tenant_id uuid NOT NULL REFERENCES tenants (id),
  device_id text NOT NULL,
  device_name text NOT NULL,
  ip text,
  user_agent text,
  created_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL,
  used_at timestamptz,
  failed_attempts integer NOT NULL DEFAULT 0
);

-- Platform tables (not customer data, no tenant): sign-in throttling counters keyed by a hash
-- of the IP or the email, and security events that belong to no tenant (unknown accounts).
CREATE TABLE login_throttle (
  key text PRIMARY KEY,
  failures integer NOT NULL DEFAULT 0,
  last_failure_at timestamptz NOT NULL
);

CREATE TABLE security_events (
  id uuid PRIMARY KEY,
  at timestamptz NOT NULL,
  kind text NOT NULL,
  ip text,
  detail jsonb NOT NULL DEFAULT '{}'
);
CREATE TRIGGER security_events_append_only BEFORE UPDATE OR DELETE ON security_events
  FOR EACH ROW EXECUTE FUNCTION refuse_change();

-- Row-level security: every policy compares rows with the transaction's bound context.
ALTER TABLE tenants ENABLE ROW LEVEL SECURITY;
ALTER TABLE tenants FORCE ROW LEVEL SECURITY;
CREATE POLICY tenants_read ON tenants FOR SELECT
  USING (id = app_tenant_id() OR id IN (SELECT m.tenant_id FROM memberships m WHERE m.user_id = app_user_id()));
CREATE POLICY tenants_insert ON tenants FOR INSERT WITH CHECK (id = app_tenant_id());
CREATE POLICY tenants_update ON tenants FOR UPDATE USING (id = app_tenant_id()) WITH CHECK (id = app_tenant_id());

ALTER TABLE users ENABLE ROW LEVEL SECURITY;
ALTER TABLE users FORCE ROW LEVEL SECURITY;
CREATE POLICY users_read ON users FOR SELECT USING (
  home_tenant_id = app_tenant_id()
  OR id = app_user_id()
  OR email = app_login_email()
  OR EXISTS (SELECT 1 FROM memberships m WHERE m.user_id = users.id AND m.tenant_id = app_tenant_id())
);
CREATE POLICY users_insert ON users FOR INSERT WITH CHECK (home_tenant_id = app_tenant_id());
CREATE POLICY users_update ON users FOR UPDATE USING (
  home_tenant_id = app_tenant_id()
  OR id = app_user_id()
  OR email = app_login_email()
  OR EXISTS (SELECT 1 FROM memberships m WHERE m.user_id = users.id AND m.tenant_id = app_tenant_id())
);

ALTER TABLE roles ENABLE ROW LEVEL SECURITY;
ALTER TABLE roles FORCE ROW LEVEL SECURITY;
CREATE POLICY roles_tenant ON roles USING (tenant_id = app_tenant_id()) WITH CHECK (tenant_id = app_tenant_id());

ALTER TABLE memberships ENABLE ROW LEVEL SECURITY;
ALTER TABLE memberships FORCE ROW LEVEL SECURITY;
CREATE POLICY memberships_read ON memberships FOR SELECT USING (tenant_id = app_tenant_id() OR user_id = app_user_id());
CREATE POLICY memberships_insert ON memberships FOR INSERT WITH CHECK (tenant_id = app_tenant_id());
CREATE POLICY memberships_update ON memberships FOR UPDATE USING (tenant_id = app_tenant_id()) WITH CHECK (tenant_id = app_tenant_id());

ALTER TABLE sessions ENABLE ROW LEVEL SECURITY;
ALTER TABLE sessions FORCE ROW LEVEL SECURITY;
CREATE POLICY sessions_read ON sessions FOR SELECT
  USING (tenant_id = app_tenant_id() OR token_hash = app_session_hash() OR user_id = app_user_id());
CREATE POLICY sessions_insert ON sessions FOR INSERT WITH CHECK (tenant_id = app_tenant_id());
CREATE POLICY sessions_update ON sessions FOR UPDATE
  USING (tenant_id = app_tenant_id() OR token_hash = app_session_hash() OR user_id = app_user_id());

ALTER TABLE auth_challenges ENABLE ROW LEVEL SECURITY;
ALTER TABLE auth_challenges FORCE ROW LEVEL SECURITY;
CREATE POLICY auth_challenges_own ON auth_challenges
  USING (challenge_hash = app_challenge_hash() OR user_id = app_user_id())
  WITH CHECK (user_id = app_user_id());

GRANT SELECT, INSERT, UPDATE ON tenants, users, roles, memberships, sessions, auth_challenges TO plantdesk_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON login_throttle TO plantdesk_app;
GRANT INSERT ON security_events TO plantdesk_app;
