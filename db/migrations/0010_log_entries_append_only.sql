-- The log is append-only: an entry, once sequenced, is never changed or removed by the application.
-- (A determined operator can drop the trigger; catching that is what the signed checkpoints are for.)
CREATE FUNCTION log_entries_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'log_entries is append-only (% refused)', TG_OP USING ERRCODE = 'insufficient_privilege';
END
$$;
--> statement-breakpoint
CREATE TRIGGER log_entries_append_only BEFORE UPDATE OR DELETE ON log_entries
  FOR EACH ROW EXECUTE FUNCTION log_entries_refuse_change();
