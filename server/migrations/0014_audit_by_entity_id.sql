-- A conflict answer names the last change to the row it found changed (who, when): the newest
-- audit event about that row, found by its id without scanning the tenant's whole trail.
CREATE INDEX audit_events_tenant_entity_id ON audit_events (tenant_id, entity_id, seq);
