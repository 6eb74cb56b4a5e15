-- People own their factors: creating or resetting a person issues a one-time enrolment link
-- instead of a password and a TOTP secret chosen by an admin. The token itself is never stored,
-- only its SHA-256; the authenticator secret the person is enrolling waits here, sealed like
-- users.totp_secret, until they complete the link with their own password and a code.
CREATE TABLE enrolment_links (
  id uuid PRIMARY KEY,
  tenant_id uuid NOT NULL REFERENCES tenants (id),
  user_id uuid NOT NULL REFERENCES users (id),
  token_hash text NOT NULL UNIQUE,
  created_by uuid,
  created_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL,
  used_at timestamptz,
  -- Ended before use: superseded by a newer link, too many wrong codes, the person erased.
  revoked_at timestamptz,
  revoke_reason text,
  pending_totp_secret text,
  failed_codes integer NOT NULL DEFAULT 0,
  CHECK (expires_at > created_at)
);
CREATE INDEX enrolment_links_user ON enrolment_links (user_id) WHERE used_at IS NULL AND revoked_at IS NULL;

-- While an enrolment link is being opened or completed, the one link whose token hashes to this.
CREATE FUNCTION app_enrolment_hash() RETURNS text LANGUAGE sql STABLE AS
$$ SELECT nullif(current_setting('app.enrolment_hash', true), '') $$;

ALTER TABLE enrolment_links ENABLE ROW LEVEL SECURITY;
ALTER TABLE enrolment_links FORCE ROW LEVEL SECURITY;
-- A tenant's admins issue links there; the person's own binding (userId) reaches their links in
-- every tenant, so a newer link supersedes older ones wherever they were issued.
CREATE POLICY enrolment_links_access ON enrolment_links
  USING (tenant_id = app_tenant_id() OR user_id = app_user_id() OR token_hash = app_enrolment_hash())
  WITH CHECK (tenant_id = app_tenant_id() OR user_id = app_user_id() OR token_hash = app_enrolment_hash());

GRANT SELECT, INSERT, UPDATE ON enrolment_links TO plantdesk_app;
