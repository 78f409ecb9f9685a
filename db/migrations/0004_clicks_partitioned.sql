-- Clicks, partitioned by month on clicked_at. drizzle-kit cannot express partitioning, so this
-- table is created here and described for queries in db/schema/partitioned.ts.
CREATE TABLE "clicks" (
	"id" text NOT NULL,
	"clicked_at" timestamp with time zone NOT NULL,
	-- No foreign key to links: ids come from the link cache, and the check per row was a sixth of
	-- the database's cost of a click. The rollups, one row per link and day, keep theirs.
	"link_id" text NOT NULL,
	"program_id" text NOT NULL,
	"owner_member_id" text NOT NULL,
	"country" char(2) NOT NULL,
	"ua_class" "click_ua_class" NOT NULL,
	"referrer_host" text,
	"ip_hash" text NOT NULL,
	"status" "click_status" NOT NULL,
	"sub_ids" jsonb,
	CONSTRAINT "clicks_pk" PRIMARY KEY ("id", "clicked_at")
) PARTITION BY RANGE ("clicked_at");
--> statement-breakpoint
-- Dedup state is a one-hour memory: after a database crash an empty table only lets a repeat
-- click count once more, so it is not worth writing to the WAL for every click.
ALTER TABLE "click_dedup" SET UNLOGGED;
--> statement-breakpoint
CREATE INDEX "clicks_link_time_idx" ON "clicks" ("link_id", "clicked_at");
--> statement-breakpoint
-- Creates the month's partition (clicks_YYYY_MM) unless it exists. Safe to call from many
-- processes at once: the advisory lock serialises creators, and the second finds the table.
CREATE OR REPLACE FUNCTION clicks_ensure_partition(p_month date) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
	v_start date := date_trunc('month', p_month)::date;
	v_name text := 'clicks_' || to_char(v_start, 'YYYY_MM');
BEGIN
	IF to_regclass(v_name) IS NOT NULL THEN
		RETURN v_name;
	END IF;
	PERFORM pg_advisory_xact_lock(hashtext('trellis.clicks_ensure_partition'));
	-- The re-check can miss a partition another session committed a moment ago (the catalog
	-- snapshot predates the lock), so losing that race is expected and harmless.
	BEGIN
		EXECUTE format('CREATE TABLE IF NOT EXISTS %I PARTITION OF clicks FOR VALUES FROM (%L) TO (%L)',
			v_name, v_start, (v_start + interval '1 month')::date);
	EXCEPTION WHEN duplicate_table OR unique_violation THEN
		NULL;
	END;
	RETURN v_name;
END
$$;
--> statement-breakpoint
-- Drops every monthly partition that ends on or before p_before (retention). Returns their names.
CREATE OR REPLACE FUNCTION clicks_drop_partitions_before(p_before date) RETURNS SETOF text
LANGUAGE plpgsql AS $$
DECLARE
	v_child record;
BEGIN
	PERFORM pg_advisory_xact_lock(hashtext('trellis.clicks_ensure_partition'));
	FOR v_child IN
		SELECT c.relname
		FROM pg_inherits i
		JOIN pg_class c ON c.oid = i.inhrelid
		WHERE i.inhparent = 'clicks'::regclass AND c.relname ~ '^clicks_[0-9]{4}_[0-9]{2}$'
		ORDER BY c.relname
	LOOP
		IF (to_date(substr(v_child.relname, 8), 'YYYY_MM') + interval '1 month')::date <= p_before THEN
			EXECUTE format('DROP TABLE %I', v_child.relname);
			RETURN NEXT v_child.relname;
		END IF;
	END LOOP;
END
$$;
--> statement-breakpoint
SELECT clicks_ensure_partition((now() - interval '1 month')::date);
--> statement-breakpoint
SELECT clicks_ensure_partition(now()::date);
--> statement-breakpoint
SELECT clicks_ensure_partition((now() + interval '1 month')::date);
