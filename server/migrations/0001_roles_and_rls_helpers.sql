-- The role every request runs as (SET LOCAL ROLE inside each transaction): it owns nothing and
-- is neither superuser nor BYPASSRLS, so row-level security always applies to it. Roles are
-- cluster-wide, hence the existence check; the connecting user must be able to assume it.
DO $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'plantdesk_app') THEN
    CREATE ROLE plantdesk_app NOLOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE;
  END IF;
END
$$;
GRANT plantdesk_app TO CURRENT_USER;
GRANT USAGE ON SCHEMA public TO plantdesk_app;

-- The transaction-local context that policies compare rows against (server/db/database.ts
-- binds them with set_config(..., true) at the start of every transaction). An unset value is
-- NULL, and NULL matches no row.
CREATE FUNCTION app_tenant_id() RETURNS uuid LANGUAGE sql STABLE AS
$$ SELECT nullif(current_setting('app.tenant_id', true), '')::uuid $$;

CREATE FUNCTION app_user_id() RETURNS uuid LANGUAGE sql STABLE AS
$$ SELECT nullif(current_setting('app.user_id', true), '')::uuid $$;

CREATE FUNCTION app_session_hash() RETURNS text LANGUAGE sql STABLE AS
$$ SELECT nullif(current_setting('app.session_hash', true), '') $$;

CREATE FUNCTION app_login_email() RETURNS text LANGUAGE sql STABLE AS
$$ SELECT nullif(current_setting('app.login_email', true), '') $$;

CREATE FUNCTION app_challenge_hash() RETURNS text LANGUAGE sql STABLE AS
$$ SELECT nullif(current_setting('app.challenge_hash', true), '') $$;

-- For tables whose history must never change (the audit trail, security events).
CREATE FUNCTION refuse_change() RETURNS trigger LANGUAGE plpgsql AS
$$
BEGIN
  RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP USING ERRCODE = 'insufficient_privilege';
END
$$;
