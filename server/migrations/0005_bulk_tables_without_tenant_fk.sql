-- The highest-volume append-only tables check their tenant through row-level security (WITH
-- CHECK tenant_id = the bound tenant) and, for entries, through their shift log; a foreign key
-- to tenants on top costs one lookup per row and adds nothing a tenant row can lose (tenants
-- are never deleted). Dropping it keeps bulk loads (a million entries) within a minute.
ALTER TABLE log_entries DROP CONSTRAINT log_entries_tenant_id_fkey;
ALTER TABLE change_log DROP CONSTRAINT change_log_tenant_id_fkey;
