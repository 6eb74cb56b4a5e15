-- Erasure (admin API) replaces a person's fields by a pseudonym everywhere they are not
-- evidence: the change log, which clients replay, must then carry the pseudonym too. The
-- application role may rewrite a change's row, and nothing else of it (seq, entity, op stay).
GRANT UPDATE (row) ON change_log TO plantdesk_app;
