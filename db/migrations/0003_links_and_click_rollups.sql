CREATE TYPE "public"."link_kind" AS ENUM('affiliate', 'invite');--> statement-breakpoint
CREATE TYPE "public"."link_status" AS ENUM('active', 'archived');--> statement-breakpoint
CREATE TYPE "public"."click_status" AS ENUM('counted', 'duplicate', 'bot');--> statement-breakpoint
CREATE TYPE "public"."click_ua_class" AS ENUM('desktop', 'mobile', 'tablet', 'bot', 'other');--> statement-breakpoint
CREATE TABLE "links" (
	"id" text PRIMARY KEY NOT NULL,
	"program_id" text NOT NULL,
	"owner_member_id" text NOT NULL,
	"kind" "link_kind" NOT NULL,
	"domain" text DEFAULT '' NOT NULL,
	"slug" text NOT NULL,
	"custom_slug" boolean DEFAULT false NOT NULL,
	"title" text,
	"destination_url" text,
	"country_destinations" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"params" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"status" "link_status" DEFAULT 'active' NOT NULL,
	"archived_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "links_slug_format" CHECK ("links"."slug" ~ '^[A-Za-z0-9][A-Za-z0-9_-]{2,63}$'),
	CONSTRAINT "links_destination_by_kind" CHECK (("links"."kind" = 'invite') or ("links"."destination_url" is not null)),
	CONSTRAINT "links_archived_at" CHECK (("links"."status" = 'archived') = ("links"."archived_at" is not null))
);
--> statement-breakpoint
CREATE TABLE "click_daily_rollups" (
	"day" date NOT NULL,
	"link_id" text NOT NULL,
	"country" char(2) NOT NULL,
	"program_id" text NOT NULL,
	"owner_member_id" text NOT NULL,
	"clicks" integer DEFAULT 0 NOT NULL,
	"unique_clicks" integer DEFAULT 0 NOT NULL,
	"duplicate_clicks" integer DEFAULT 0 NOT NULL,
	"bot_clicks" integer DEFAULT 0 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "click_daily_rollups_day_link_id_country_pk" PRIMARY KEY("day","link_id","country")
);
--> statement-breakpoint
CREATE TABLE "click_dedup" (
	"link_id" text NOT NULL,
	"ip_hash" text NOT NULL,
	"day" date NOT NULL,
	"last_counted_at" timestamp with time zone,
	CONSTRAINT "click_dedup_link_id_ip_hash_pk" PRIMARY KEY("link_id","ip_hash")
);
--> statement-breakpoint
CREATE TABLE "click_ip_salts" (
	"day" date PRIMARY KEY NOT NULL,
	"secret" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "links" ADD CONSTRAINT "links_program_id_programs_id_fk" FOREIGN KEY ("program_id") REFERENCES "public"."programs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "links" ADD CONSTRAINT "links_owner_member_id_members_id_fk" FOREIGN KEY ("owner_member_id") REFERENCES "public"."members"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "click_daily_rollups" ADD CONSTRAINT "click_daily_rollups_link_id_links_id_fk" FOREIGN KEY ("link_id") REFERENCES "public"."links"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "click_daily_rollups" ADD CONSTRAINT "click_daily_rollups_program_id_programs_id_fk" FOREIGN KEY ("program_id") REFERENCES "public"."programs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "click_daily_rollups" ADD CONSTRAINT "click_daily_rollups_owner_member_id_members_id_fk" FOREIGN KEY ("owner_member_id") REFERENCES "public"."members"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "links_domain_slug_uq" ON "links" USING btree ("domain","slug");--> statement-breakpoint
CREATE UNIQUE INDEX "links_one_invite_per_member_uq" ON "links" USING btree ("program_id","owner_member_id") WHERE "links"."kind" = 'invite';--> statement-breakpoint
CREATE INDEX "links_program_owner_idx" ON "links" USING btree ("program_id","owner_member_id","id");--> statement-breakpoint
CREATE INDEX "links_program_id_idx" ON "links" USING btree ("program_id","id");--> statement-breakpoint
CREATE INDEX "click_rollups_program_day_idx" ON "click_daily_rollups" USING btree ("program_id","day");--> statement-breakpoint
CREATE INDEX "click_rollups_owner_day_idx" ON "click_daily_rollups" USING btree ("owner_member_id","day");--> statement-breakpoint
CREATE INDEX "click_dedup_day_idx" ON "click_dedup" USING btree ("day");