-- Every server caches who is signed in (lib/server/auth/session-cache.ts) and
-- must hear at once when a session or a member changes, whichever server or
-- script changed it: each statement that updates or deletes rows of these
-- tables NOTIFYs lakebook_changes with the table's name when it commits
-- (lib/server/db/changes.ts listens).
CREATE FUNCTION lakebook_notify_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('lakebook_changes', TG_TABLE_NAME);
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER users_changed AFTER UPDATE OR DELETE OR TRUNCATE ON users
  FOR EACH STATEMENT EXECUTE FUNCTION lakebook_notify_change();
--> statement-breakpoint
CREATE TRIGGER user_sessions_changed AFTER UPDATE OR DELETE OR TRUNCATE ON user_sessions
  FOR EACH STATEMENT EXECUTE FUNCTION lakebook_notify_change();
