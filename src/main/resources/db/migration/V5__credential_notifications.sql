-- Instances cache API key lookups. Anything that changes what a key may do — revoking it, its
-- scopes, limit or expiry, or its creator's role, state or tenant — tells every instance at once.
CREATE FUNCTION credentials_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('director_credentials', TG_TABLE_NAME || ':' || OLD.id::text);
    RETURN NULL;
END;
$$;

CREATE TRIGGER api_keys_credentials_changed
    AFTER UPDATE OF revoked_at, scopes, rate_limit, expires_at, created_by, tenant_id OR DELETE ON api_keys
    FOR EACH ROW EXECUTE FUNCTION credentials_notify();
CREATE TRIGGER users_credentials_changed
    AFTER UPDATE OF role, disabled, tenant_id OR DELETE ON users
    FOR EACH ROW EXECUTE FUNCTION credentials_notify();
