-- Ids that clients make (entries, amendments, comments, sign-offs, mutation ids) are unique per
-- tenant, not across tenants: an id another tenant already uses must answer exactly like one
-- that was never used, or creating a row would tell whether it exists elsewhere. Keys and the
-- foreign keys to entries become (tenant_id, id), so a row can also only ever point at an entry
-- of its own tenant.
ALTER TABLE entry_amendments DROP CONSTRAINT entry_amendments_entry_id_fkey;
ALTER TABLE comments DROP CONSTRAINT comments_entry_id_fkey;

ALTER TABLE log_entries DROP CONSTRAINT log_entries_pkey, ADD PRIMARY KEY (tenant_id, id);
ALTER TABLE entry_amendments DROP CONSTRAINT entry_amendments_pkey, ADD PRIMARY KEY (tenant_id, id);
ALTER TABLE comments DROP CONSTRAINT comments_pkey, ADD PRIMARY KEY (tenant_id, id);
ALTER TABLE signoffs DROP CONSTRAINT signoffs_pkey, ADD PRIMARY KEY (tenant_id, id);
ALTER TABLE client_mutations DROP CONSTRAINT client_mutations_pkey, ADD PRIMARY KEY (tenant_id, mutation_id);

ALTER TABLE entry_amendments ADD CONSTRAINT entry_amendments_entry_fkey FOREIGN KEY (tenant_id, entry_id) REFERENCES log_entries (tenant_id, id);
ALTER TABLE comments ADD CONSTRAINT comments_entry_fkey FOREIGN KEY (tenant_id, entry_id) REFERENCES log_entries (tenant_id, id);
