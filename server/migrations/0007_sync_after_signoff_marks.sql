-- Sync push (issue 5). A signed shift log still accepts amendments and comments (DOMAIN.md);
-- they are marked, as late log entries already are, "added after sign-off".
ALTER TABLE entry_amendments ADD COLUMN added_after_signoff boolean NOT NULL DEFAULT false;
ALTER TABLE comments ADD COLUMN added_after_signoff boolean NOT NULL DEFAULT false;
-- Editing a custom role bumps the policy version of every membership that uses it.
CREATE INDEX memberships_custom_role ON memberships (tenant_id, custom_role_id) WHERE custom_role_id IS NOT NULL;
