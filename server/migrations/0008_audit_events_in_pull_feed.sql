-- Audit events join the pull feed (change_log entity 'audit_event', row {"seq": the event's
-- seq}, scope actor_id and area_id), so a workstation holds the part of the trail its reader may
-- read (SECURITY.md); pull reads the event itself from audit_events.
-- From now on the server appends the feed row with each event; the events written before are
-- appended here once, in chain order, after each tenant's last change. Their area is unknown
-- (null): area-scoped readers of the trail see them only as their own events.
INSERT INTO change_log (tenant_id, seq, entity, entity_id, op, row, scope)
SELECT a.tenant_id,
       s.last_seq + row_number() OVER (PARTITION BY a.tenant_id ORDER BY a.seq),
       'audit_event', a.id::text, 'upsert',
       jsonb_build_object('seq', a.seq),
       jsonb_build_object('actor_id', a.actor_id, 'area_id', NULL)
FROM audit_events a JOIN tenant_seq s ON s.tenant_id = a.tenant_id;

UPDATE tenant_seq s SET last_seq = s.last_seq + n.events
FROM (SELECT tenant_id, count(*) AS events FROM audit_events GROUP BY tenant_id) n
WHERE n.tenant_id = s.tenant_id;
