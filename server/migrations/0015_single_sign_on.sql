-- Enterprise sign-in (OpenID Connect). A tenant names its identity provider here; the client
-- secret of a confidential client is sealed with the server's secret box (bound to the tenant
-- id) and never leaves the server.
CREATE TABLE sso_settings (
  tenant_id uuid PRIMARY KEY REFERENCES tenants (id),
  enabled boolean NOT NULL DEFAULT false,
  issuer text NOT NULL,
  client_id text NOT NULL,
  client_secret_sealed text,
  -- Lower-case domains; an email outside them never signs in.
  allowed_domains jsonb NOT NULL DEFAULT '[]',
  groups_claim text,
  -- { "<group>": "viewer" | "contributor" | "admin" }, applied when SSO creates a member.
  group_roles jsonb NOT NULL DEFAULT '{}',
  sso_required boolean NOT NULL DEFAULT false,
  -- User ids that still sign in with password + TOTP when SSO is required (the IdP may be down).
  break_glass_user_ids jsonb NOT NULL DEFAULT '[]',
  create_members boolean NOT NULL DEFAULT false,
  default_role text NOT NULL DEFAULT 'viewer' CHECK (default_role IN ('viewer', 'contributor')),
  version integer NOT NULL DEFAULT 1,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  CHECK (NOT sso_required OR enabled)
);

-- The person an identity provider's (issuer, subject) was matched to, linked at first match:
-- later sign-ins follow the subject, not an email address the provider may reassign.
CREATE TABLE sso_identities (
  tenant_id uuid NOT NULL REFERENCES tenants (id),
  issuer text NOT NULL,
  subject text NOT NULL,
  user_id uuid NOT NULL REFERENCES users (id),
  created_at timestamptz NOT NULL,
  PRIMARY KEY (tenant_id, issuer, subject),
  UNIQUE (tenant_id, issuer, user_id)
);

-- Authorization codes, nonces and ID tokens already spent, by hash, until they could no longer
-- be accepted anyway. The key is global so a proof spent in one tenant is spent everywhere.
CREATE TABLE sso_spent_proofs (
  proof_hash text PRIMARY KEY,
  tenant_id uuid NOT NULL REFERENCES tenants (id),
  kind text NOT NULL CHECK (kind IN ('code', 'nonce', 'id_token')),
  expires_at timestamptz NOT NULL
);
CREATE INDEX sso_spent_proofs_expiry ON sso_spent_proofs (tenant_id, expires_at);

-- A device authorization (RFC 8628) the server started for a command-line client; the
-- provider's device code is sealed, the client holds only an opaque handle (hashed here).
CREATE TABLE sso_device_requests (
  id uuid PRIMARY KEY,
  tenant_id uuid NOT NULL REFERENCES tenants (id),
  handle_hash text NOT NULL UNIQUE,
  device_code_sealed text NOT NULL,
  device_id text NOT NULL,
  device_name text NOT NULL,
  poll_interval integer NOT NULL,
  created_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL,
  next_poll_at timestamptz NOT NULL,
  finished_at timestamptz
);

-- Before sign-in, the app asks which provider serves an email domain: the one domain bound.
CREATE FUNCTION app_sso_domain() RETURNS text LANGUAGE sql STABLE AS
$$ SELECT nullif(current_setting('app.sso_domain', true), '') $$;

ALTER TABLE sso_settings ENABLE ROW LEVEL SECURITY;
ALTER TABLE sso_settings FORCE ROW LEVEL SECURITY;
CREATE POLICY sso_settings_read ON sso_settings FOR SELECT USING (
  tenant_id = app_tenant_id()
  OR allowed_domains ? app_sso_domain()
  OR tenant_id IN (SELECT m.tenant_id FROM memberships m WHERE m.user_id = app_user_id())
);
CREATE POLICY sso_settings_insert ON sso_settings FOR INSERT WITH CHECK (tenant_id = app_tenant_id());
CREATE POLICY sso_settings_update ON sso_settings FOR UPDATE USING (tenant_id = app_tenant_id()) WITH CHECK (tenant_id = app_tenant_id());

-- ...and the names of those tenants, for the app to offer.
CREATE POLICY tenants_read_by_sso_domain ON tenants FOR SELECT
  USING (id IN (SELECT s.tenant_id FROM sso_settings s WHERE s.enabled AND s.allowed_domains ? app_sso_domain()));

ALTER TABLE sso_identities ENABLE ROW LEVEL SECURITY;
ALTER TABLE sso_identities FORCE ROW LEVEL SECURITY;
CREATE POLICY sso_identities_tenant ON sso_identities USING (tenant_id = app_tenant_id()) WITH CHECK (tenant_id = app_tenant_id());

ALTER TABLE sso_spent_proofs ENABLE ROW LEVEL SECURITY;
ALTER TABLE sso_spent_proofs FORCE ROW LEVEL SECURITY;
CREATE POLICY sso_spent_proofs_tenant ON sso_spent_proofs USING (tenant_id = app_tenant_id()) WITH CHECK (tenant_id = app_tenant_id());

ALTER TABLE sso_device_requests ENABLE ROW LEVEL SECURITY;
ALTER TABLE sso_device_requests FORCE ROW LEVEL SECURITY;
CREATE POLICY sso_device_requests_tenant ON sso_device_requests USING (tenant_id = app_tenant_id()) WITH CHECK (tenant_id = app_tenant_id());

GRANT SELECT, INSERT, UPDATE ON sso_settings, sso_identities, sso_device_requests TO plantdesk_app;
GRANT SELECT, INSERT, DELETE ON sso_spent_proofs TO plantdesk_app;
