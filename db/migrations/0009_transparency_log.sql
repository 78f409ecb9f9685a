CREATE TABLE "log_checkpoints" (
	"tree_size" bigint PRIMARY KEY NOT NULL,
	"root_hash" "bytea" NOT NULL,
	"note" text NOT NULL,
	"jws" text NOT NULL,
	"key_id" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "log_cosignatures" (
	"tree_size" bigint NOT NULL,
	"witness" text NOT NULL,
	"signature_line" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "log_cosignatures_tree_size_witness_pk" PRIMARY KEY("tree_size","witness")
);
--> statement-breakpoint
CREATE TABLE "log_daily_stats" (
	"owner_id" text NOT NULL,
	"day" date NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "log_daily_stats_owner_id_day_pk" PRIMARY KEY("owner_id","day")
);
--> statement-breakpoint
CREATE TABLE "log_entries" (
	"idx" bigint PRIMARY KEY NOT NULL,
	"outbox_id" bigint NOT NULL,
	"entry" text NOT NULL,
	"leaf_hash" "bytea" NOT NULL,
	"type" text NOT NULL,
	"tenant_id" text,
	"program_id" text,
	"partner_member_id" text,
	"recorded_at" timestamp with time zone NOT NULL,
	"sequenced_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "log_outbox" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"entry" text NOT NULL,
	"leaf_hash" "bytea" NOT NULL,
	"type" text NOT NULL,
	"tenant_id" text,
	"program_id" text,
	"partner_member_id" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "log_salts" (
	"owner_id" text PRIMARY KEY NOT NULL,
	"salt" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "log_tiles" (
	"level" smallint NOT NULL,
	"idx" bigint NOT NULL,
	"width" smallint NOT NULL,
	"hashes" "bytea" NOT NULL,
	CONSTRAINT "log_tiles_level_idx_pk" PRIMARY KEY("level","idx"),
	CONSTRAINT "log_tiles_width_ck" CHECK ("log_tiles"."width" between 1 and 256 and octet_length("log_tiles"."hashes") = 32 * "log_tiles"."width")
);
--> statement-breakpoint
ALTER TABLE "log_cosignatures" ADD CONSTRAINT "log_cosignatures_tree_size_log_checkpoints_tree_size_fk" FOREIGN KEY ("tree_size") REFERENCES "public"."log_checkpoints"("tree_size") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "log_entries_outbox_uq" ON "log_entries" USING btree ("outbox_id");--> statement-breakpoint
CREATE INDEX "log_entries_leaf_hash_idx" ON "log_entries" USING btree ("leaf_hash");--> statement-breakpoint
CREATE INDEX "log_entries_partner_idx" ON "log_entries" USING btree ("partner_member_id","idx") WHERE "log_entries"."partner_member_id" is not null;--> statement-breakpoint
CREATE INDEX "log_entries_program_type_idx" ON "log_entries" USING btree ("program_id","type","idx");