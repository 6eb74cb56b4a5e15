-- Sign-off evidence is the server's (SECURITY.md): signed_at becomes the server's receipt time,
-- with the workstation's claimed time kept beside it, and "password_online" means the server
-- itself verified a password re-entry and issued a signing ticket for exactly this signature.
ALTER TABLE signoffs ADD COLUMN claimed_signed_at timestamptz;

-- Earlier rows carried the client's word for their method: no server ever checked those
-- passwords, so they are recorded as what they are, a check made on the workstation.
UPDATE signoffs SET auth_method = 'password_offline' WHERE auth_method = 'password_online';
UPDATE change_log SET row = jsonb_set(row, '{auth_method}', '"password_offline"')
  WHERE entity = 'signoff' AND row ->> 'auth_method' = 'password_online';

-- A signing ticket: proof that the signer re-entered the password online, bound to the
-- signer, their session, the shift log and the content hash, short-lived and used once.
CREATE TABLE signing_tickets (
  tenant_id uuid NOT NULL REFERENCES tenants (id),
  ticket_hash text PRIMARY KEY,
  user_id uuid NOT NULL REFERENCES users (id),
  session_id uuid NOT NULL,
  shift_log_id uuid NOT NULL,
  content_hash text NOT NULL,
  meaning text NOT NULL,
  created_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL,
  used_at timestamptz
);
CREATE INDEX signing_tickets_expiry ON signing_tickets (tenant_id, expires_at);
ALTER TABLE signing_tickets ENABLE ROW LEVEL SECURITY;
ALTER TABLE signing_tickets FORCE ROW LEVEL SECURITY;
CREATE POLICY signing_tickets_tenant ON signing_tickets USING (tenant_id = app_tenant_id()) WITH CHECK (tenant_id = app_tenant_id());
GRANT SELECT, INSERT, DELETE ON signing_tickets TO plantdesk_app;
GRANT UPDATE (used_at) ON signing_tickets TO plantdesk_app;
