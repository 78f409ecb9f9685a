CREATE TYPE "public"."market_stage" AS ENUM('new', 'mature');--> statement-breakpoint
CREATE TYPE "public"."signing_key_status" AS ENUM('active', 'retired');--> statement-breakpoint
CREATE TYPE "public"."user_role" AS ENUM('admin', 'regional_manager', 'affiliate', 'member');--> statement-breakpoint
CREATE TYPE "public"."user_status" AS ENUM('active', 'disabled');--> statement-breakpoint
CREATE TYPE "public"."affiliate_status" AS ENUM('pending', 'approved', 'rejected', 'banned');--> statement-breakpoint
CREATE TYPE "public"."custom_field_type" AS ENUM('string', 'number', 'boolean', 'date', 'enum');--> statement-breakpoint
CREATE TYPE "public"."member_status" AS ENUM('active', 'inactive', 'blocked');--> statement-breakpoint
CREATE TYPE "public"."tier_change_reason" AS ENUM('initial', 'upgrade', 'downgrade', 'purchase', 'expiry', 'import', 'manual');--> statement-breakpoint
CREATE TYPE "public"."tier_kind" AS ENUM('standard', 'paid');--> statement-breakpoint
CREATE TYPE "public"."member_order_status" AS ENUM('completed', 'partially_refunded', 'refunded');--> statement-breakpoint
CREATE TYPE "public"."points_entry_kind" AS ENUM('earn', 'redeem', 'expire', 'adjust', 'reverse');--> statement-breakpoint
CREATE TYPE "public"."points_lot_state" AS ENUM('pending', 'available', 'closed');--> statement-breakpoint
CREATE TYPE "public"."import_format" AS ENUM('csv', 'ndjson');--> statement-breakpoint
CREATE TYPE "public"."import_status" AS ENUM('uploading', 'queued', 'running', 'completed', 'failed');--> statement-breakpoint
CREATE TYPE "public"."member_segment" AS ENUM('new', 'loyal', 'big_spender', 'returning', 'at_risk', 'churned');--> statement-breakpoint
CREATE TABLE "markets" (
	"id" text PRIMARY KEY NOT NULL,
	"program_id" text NOT NULL,
	"country" char(2) NOT NULL,
	"currency" char(3) NOT NULL,
	"default_locale" text NOT NULL,
	"stage" "market_stage" DEFAULT 'new' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "markets_program_country_uq" UNIQUE("program_id","country"),
	CONSTRAINT "markets_country_upper" CHECK ("markets"."country" ~ '^[A-Z]{2}$'),
	CONSTRAINT "markets_currency_upper" CHECK ("markets"."currency" ~ '^[A-Z]{3}$')
);
--> statement-breakpoint
CREATE TABLE "programs" (
	"id" text PRIMARY KEY NOT NULL,
	"tenant_id" text NOT NULL,
	"name" text NOT NULL,
	"payout_currency" char(3) NOT NULL,
	"default_locale" text DEFAULT 'en' NOT NULL,
	"settings" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "tenants" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "api_keys" (
	"id" text PRIMARY KEY NOT NULL,
	"tenant_id" text NOT NULL,
	"program_id" text NOT NULL,
	"name" text NOT NULL,
	"prefix" text NOT NULL,
	"secret_hash" text NOT NULL,
	"created_by" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_used_at" timestamp with time zone,
	"revoked_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "login_attempts" (
	"id" text PRIMARY KEY NOT NULL,
	"email_normalized" text NOT NULL,
	"succeeded" boolean NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "signing_keys" (
	"kid" text PRIMARY KEY NOT NULL,
	"purpose" text DEFAULT 'access_token' NOT NULL,
	"algorithm" text DEFAULT 'EdDSA' NOT NULL,
	"public_jwk" jsonb NOT NULL,
	"private_jwk" jsonb NOT NULL,
	"status" "signing_key_status" DEFAULT 'active' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"retired_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "users" (
	"id" text PRIMARY KEY NOT NULL,
	"tenant_id" text NOT NULL,
	"email" text NOT NULL,
	"name" text NOT NULL,
	"password_hash" text NOT NULL,
	"role" "user_role" NOT NULL,
	"countries" text[] DEFAULT '{}'::text[] NOT NULL,
	"member_id" text,
	"status" "user_status" DEFAULT 'active' NOT NULL,
	"last_login_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "affiliate_profiles" (
	"member_id" text PRIMARY KEY NOT NULL,
	"program_id" text NOT NULL,
	"website" text,
	"status" "affiliate_status" DEFAULT 'pending' NOT NULL,
	"status_reason" text,
	"payout_details" jsonb,
	"decided_at" timestamp with time zone,
	"decided_by" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "custom_field_definitions" (
	"id" text PRIMARY KEY NOT NULL,
	"program_id" text NOT NULL,
	"key" text NOT NULL,
	"label" text NOT NULL,
	"type" "custom_field_type" NOT NULL,
	"required" boolean DEFAULT false NOT NULL,
	"enum_values" text[],
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "custom_fields_program_key_uq" UNIQUE("program_id","key"),
	CONSTRAINT "custom_fields_key_format" CHECK ("custom_field_definitions"."key" ~ '^[a-z][a-z0-9_]{0,62}$'),
	CONSTRAINT "custom_fields_enum_has_values" CHECK ("custom_field_definitions"."type" <> 'enum' or cardinality("custom_field_definitions"."enum_values") > 0)
);
--> statement-breakpoint
CREATE TABLE "member_tags" (
	"member_id" text NOT NULL,
	"program_id" text NOT NULL,
	"tag" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "member_tags_member_id_tag_pk" PRIMARY KEY("member_id","tag"),
	CONSTRAINT "member_tags_tag_format" CHECK ("member_tags"."tag" ~ '^[a-z0-9][a-z0-9_:-]{0,63}$')
);
--> statement-breakpoint
CREATE TABLE "members" (
	"id" text PRIMARY KEY NOT NULL,
	"program_id" text NOT NULL,
	"external_id" text,
	"name" text DEFAULT '' NOT NULL,
	"email" text,
	"email_normalized" text,
	"phone" text,
	"birthday" date,
	"country" char(2),
	"locale" text,
	"source" text DEFAULT 'api' NOT NULL,
	"status" "member_status" DEFAULT 'active' NOT NULL,
	"custom_fields" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"tier_id" text,
	"tier_achieved_at" timestamp with time zone,
	"tier_expires_at" timestamp with time zone,
	"referred_by_member_id" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "members_program_external_uq" UNIQUE("program_id","external_id"),
	CONSTRAINT "members_country_upper" CHECK ("members"."country" ~ '^[A-Z]{2}$'),
	CONSTRAINT "members_email_normalized" CHECK (("members"."email" is null) = ("members"."email_normalized" is null))
);
--> statement-breakpoint
CREATE TABLE "tier_history" (
	"id" text PRIMARY KEY NOT NULL,
	"program_id" text NOT NULL,
	"member_id" text NOT NULL,
	"from_tier_id" text,
	"to_tier_id" text,
	"reason" "tier_change_reason" NOT NULL,
	"note" text,
	"effective_at" timestamp with time zone NOT NULL,
	"expires_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "tier_purchases" (
	"id" text PRIMARY KEY NOT NULL,
	"program_id" text NOT NULL,
	"member_id" text NOT NULL,
	"tier_id" text NOT NULL,
	"idempotency_key" text NOT NULL,
	"request_hash" text NOT NULL,
	"payment_reference" text NOT NULL,
	"fee_amount" bigint NOT NULL,
	"fee_currency" char(3) NOT NULL,
	"starts_at" timestamp with time zone NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "tier_purchases_program_key_uq" UNIQUE("program_id","idempotency_key"),
	CONSTRAINT "tier_purchases_fee_positive" CHECK ("tier_purchases"."fee_amount" > 0),
	CONSTRAINT "tier_purchases_period" CHECK ("tier_purchases"."expires_at" > "tier_purchases"."starts_at")
);
--> statement-breakpoint
CREATE TABLE "tier_reviews" (
	"id" text PRIMARY KEY NOT NULL,
	"program_id" text NOT NULL,
	"member_id" text NOT NULL,
	"evaluation_date" timestamp with time zone NOT NULL,
	"tier_id" text NOT NULL,
	"outcome" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "tier_reviews_member_date_uq" UNIQUE("member_id","evaluation_date"),
	CONSTRAINT "tier_reviews_outcome" CHECK ("tier_reviews"."outcome" in ('kept', 'downgraded'))
);
--> statement-breakpoint
CREATE TABLE "tiers" (
	"id" text PRIMARY KEY NOT NULL,
	"program_id" text NOT NULL,
	"name" text NOT NULL,
	"rank" integer NOT NULL,
	"kind" "tier_kind" DEFAULT 'standard' NOT NULL,
	"qualification" jsonb DEFAULT '{"match":"any"}'::jsonb NOT NULL,
	"upgrade_gift_points" bigint DEFAULT 0 NOT NULL,
	"points_multiplier_bps" integer DEFAULT 10000 NOT NULL,
	"commission_multiplier_bps" integer DEFAULT 10000 NOT NULL,
	"benefits" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"fee_amount" bigint,
	"fee_currency" char(3),
	"validity_days" integer,
	"deleted_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "tiers_multipliers_positive" CHECK ("tiers"."points_multiplier_bps" >= 0 and "tiers"."commission_multiplier_bps" >= 0),
	CONSTRAINT "tiers_gift_nonneg" CHECK ("tiers"."upgrade_gift_points" >= 0),
	CONSTRAINT "tiers_paid_has_fee" CHECK ("tiers"."kind" <> 'paid' or ("tiers"."fee_amount" > 0 and "tiers"."fee_currency" is not null and "tiers"."validity_days" > 0))
);
--> statement-breakpoint
CREATE TABLE "member_order_refunds" (
	"id" text PRIMARY KEY NOT NULL,
	"program_id" text NOT NULL,
	"order_id" text NOT NULL,
	"idempotency_key" text NOT NULL,
	"request_hash" text NOT NULL,
	"amount" bigint NOT NULL,
	"entry_id" text,
	"points_reversed" bigint DEFAULT 0 NOT NULL,
	"points_shortfall" bigint DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "member_order_refunds_program_idem_uq" UNIQUE("program_id","idempotency_key"),
	CONSTRAINT "member_order_refunds_amount_positive" CHECK ("member_order_refunds"."amount" > 0)
);
--> statement-breakpoint
CREATE TABLE "member_orders" (
	"id" text PRIMARY KEY NOT NULL,
	"program_id" text NOT NULL,
	"member_id" text NOT NULL,
	"external_id" text NOT NULL,
	"request_hash" text NOT NULL,
	"amount" bigint NOT NULL,
	"currency" char(3) NOT NULL,
	"refunded_amount" bigint DEFAULT 0 NOT NULL,
	"status" "member_order_status" DEFAULT 'completed' NOT NULL,
	"occurred_at" timestamp with time zone NOT NULL,
	"earn_entry_id" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "member_orders_program_external_uq" UNIQUE("program_id","external_id"),
	CONSTRAINT "member_orders_amount_positive" CHECK ("member_orders"."amount" > 0),
	CONSTRAINT "member_orders_refund_bounds" CHECK ("member_orders"."refunded_amount" >= 0 and "member_orders"."refunded_amount" <= "member_orders"."amount"),
	CONSTRAINT "member_orders_currency_upper" CHECK ("member_orders"."currency" ~ '^[A-Z]{3}$')
);
--> statement-breakpoint
CREATE TABLE "points_accounts" (
	"member_id" text PRIMARY KEY NOT NULL,
	"program_id" text NOT NULL,
	"available" bigint DEFAULT 0 NOT NULL,
	"pending" bigint DEFAULT 0 NOT NULL,
	"lifetime_earned" bigint DEFAULT 0 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "points_accounts_available_nonneg" CHECK ("points_accounts"."available" >= 0),
	CONSTRAINT "points_accounts_pending_nonneg" CHECK ("points_accounts"."pending" >= 0),
	CONSTRAINT "points_accounts_lifetime_nonneg" CHECK ("points_accounts"."lifetime_earned" >= 0)
);
--> statement-breakpoint
CREATE TABLE "points_allocations" (
	"entry_id" text NOT NULL,
	"lot_id" text NOT NULL,
	"amount" bigint NOT NULL,
	CONSTRAINT "points_allocations_entry_id_lot_id_pk" PRIMARY KEY("entry_id","lot_id"),
	CONSTRAINT "points_allocations_positive" CHECK ("points_allocations"."amount" > 0)
);
--> statement-breakpoint
CREATE TABLE "points_entries" (
	"id" text PRIMARY KEY NOT NULL,
	"program_id" text NOT NULL,
	"member_id" text NOT NULL,
	"kind" "points_entry_kind" NOT NULL,
	"amount" bigint NOT NULL,
	"shortfall" bigint DEFAULT 0 NOT NULL,
	"idempotency_key" text NOT NULL,
	"request_hash" text NOT NULL,
	"reason" text,
	"reference" text,
	"reverses_entry_id" text,
	"order_id" text,
	"available_at" timestamp with time zone,
	"expires_at" timestamp with time zone,
	"actor_type" text NOT NULL,
	"actor_id" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "points_entries_program_idem_uq" UNIQUE("program_id","idempotency_key"),
	CONSTRAINT "points_entries_shortfall_nonneg" CHECK ("points_entries"."shortfall" >= 0),
	CONSTRAINT "points_entries_sign" CHECK (("points_entries"."kind" = 'earn' and "points_entries"."amount" > 0) or ("points_entries"."kind" in ('redeem', 'expire') and "points_entries"."amount" < 0) or ("points_entries"."kind" = 'adjust' and "points_entries"."amount" <> 0) or "points_entries"."kind" = 'reverse'),
	CONSTRAINT "points_entries_reverse_target" CHECK (("points_entries"."kind" = 'reverse') = ("points_entries"."reverses_entry_id" is not null))
);
--> statement-breakpoint
CREATE TABLE "points_lots" (
	"id" text PRIMARY KEY NOT NULL,
	"program_id" text NOT NULL,
	"member_id" text NOT NULL,
	"entry_id" text NOT NULL,
	"amount" bigint NOT NULL,
	"remaining" bigint NOT NULL,
	"available_at" timestamp with time zone NOT NULL,
	"expires_at" timestamp with time zone,
	"state" "points_lot_state" NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "points_lots_remaining_bounds" CHECK ("points_lots"."remaining" >= 0 and "points_lots"."remaining" <= "points_lots"."amount"),
	CONSTRAINT "points_lots_amount_positive" CHECK ("points_lots"."amount" > 0)
);
--> statement-breakpoint
CREATE TABLE "import_chunks" (
	"import_id" text NOT NULL,
	"seq" integer NOT NULL,
	"bytes" "bytea" NOT NULL,
	CONSTRAINT "import_chunks_import_id_seq_pk" PRIMARY KEY("import_id","seq")
);
--> statement-breakpoint
CREATE TABLE "import_runs" (
	"id" text PRIMARY KEY NOT NULL,
	"program_id" text NOT NULL,
	"format" "import_format" NOT NULL,
	"dry_run" boolean DEFAULT false NOT NULL,
	"status" "import_status" DEFAULT 'uploading' NOT NULL,
	"byte_size" bigint DEFAULT 0 NOT NULL,
	"total_rows" integer,
	"processed_rows" integer DEFAULT 0 NOT NULL,
	"inserted_rows" integer DEFAULT 0 NOT NULL,
	"updated_rows" integer DEFAULT 0 NOT NULL,
	"unchanged_rows" integer DEFAULT 0 NOT NULL,
	"failed_rows" integer DEFAULT 0 NOT NULL,
	"errors" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"failure_reason" text,
	"created_by" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"started_at" timestamp with time zone,
	"finished_at" timestamp with time zone,
	CONSTRAINT "import_runs_counts_nonneg" CHECK ("import_runs"."processed_rows" >= 0 and "import_runs"."inserted_rows" >= 0 and "import_runs"."updated_rows" >= 0 and "import_runs"."unchanged_rows" >= 0 and "import_runs"."failed_rows" >= 0),
	CONSTRAINT "import_runs_counts_add_up" CHECK ("import_runs"."inserted_rows" + "import_runs"."updated_rows" + "import_runs"."unchanged_rows" + "import_runs"."failed_rows" = "import_runs"."processed_rows")
);
--> statement-breakpoint
CREATE TABLE "member_segments" (
	"member_id" text PRIMARY KEY NOT NULL,
	"program_id" text NOT NULL,
	"segment" "member_segment" NOT NULL,
	"recency_days" integer,
	"frequency" integer NOT NULL,
	"monetary" bigint NOT NULL,
	"currency" char(3) NOT NULL,
	"computed_at" timestamp with time zone NOT NULL,
	CONSTRAINT "member_segments_figures_nonneg" CHECK ("member_segments"."frequency" >= 0 and "member_segments"."monetary" >= 0 and ("member_segments"."recency_days" is null or "member_segments"."recency_days" >= 0))
);
--> statement-breakpoint
CREATE TABLE "audit_log" (
	"id" text PRIMARY KEY NOT NULL,
	"tenant_id" text NOT NULL,
	"program_id" text,
	"actor_type" text NOT NULL,
	"actor_id" text,
	"action" text NOT NULL,
	"entity_type" text NOT NULL,
	"entity_id" text NOT NULL,
	"before" jsonb,
	"after" jsonb,
	"request_id" text,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "job_failures" (
	"id" text PRIMARY KEY NOT NULL,
	"job_name" text NOT NULL,
	"job_id" text,
	"payload" jsonb,
	"error" text NOT NULL,
	"attempts" integer NOT NULL,
	"permanent" boolean DEFAULT false NOT NULL,
	"failed_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "markets" ADD CONSTRAINT "markets_program_id_programs_id_fk" FOREIGN KEY ("program_id") REFERENCES "public"."programs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "programs" ADD CONSTRAINT "programs_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "api_keys" ADD CONSTRAINT "api_keys_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "api_keys" ADD CONSTRAINT "api_keys_program_id_programs_id_fk" FOREIGN KEY ("program_id") REFERENCES "public"."programs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "users" ADD CONSTRAINT "users_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "users" ADD CONSTRAINT "users_member_id_members_id_fk" FOREIGN KEY ("member_id") REFERENCES "public"."members"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "affiliate_profiles" ADD CONSTRAINT "affiliate_profiles_member_id_members_id_fk" FOREIGN KEY ("member_id") REFERENCES "public"."members"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "affiliate_profiles" ADD CONSTRAINT "affiliate_profiles_program_id_programs_id_fk" FOREIGN KEY ("program_id") REFERENCES "public"."programs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "custom_field_definitions" ADD CONSTRAINT "custom_field_definitions_program_id_programs_id_fk" FOREIGN KEY ("program_id") REFERENCES "public"."programs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "member_tags" ADD CONSTRAINT "member_tags_member_id_members_id_fk" FOREIGN KEY ("member_id") REFERENCES "public"."members"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "member_tags" ADD CONSTRAINT "member_tags_program_id_programs_id_fk" FOREIGN KEY ("program_id") REFERENCES "public"."programs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "members" ADD CONSTRAINT "members_program_id_programs_id_fk" FOREIGN KEY ("program_id") REFERENCES "public"."programs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "members" ADD CONSTRAINT "members_tier_id_tiers_id_fk" FOREIGN KEY ("tier_id") REFERENCES "public"."tiers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "members" ADD CONSTRAINT "members_referred_by_member_id_members_id_fk" FOREIGN KEY ("referred_by_member_id") REFERENCES "public"."members"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tier_history" ADD CONSTRAINT "tier_history_program_id_programs_id_fk" FOREIGN KEY ("program_id") REFERENCES "public"."programs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tier_history" ADD CONSTRAINT "tier_history_member_id_members_id_fk" FOREIGN KEY ("member_id") REFERENCES "public"."members"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tier_history" ADD CONSTRAINT "tier_history_from_tier_id_tiers_id_fk" FOREIGN KEY ("from_tier_id") REFERENCES "public"."tiers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tier_history" ADD CONSTRAINT "tier_history_to_tier_id_tiers_id_fk" FOREIGN KEY ("to_tier_id") REFERENCES "public"."tiers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tier_purchases" ADD CONSTRAINT "tier_purchases_program_id_programs_id_fk" FOREIGN KEY ("program_id") REFERENCES "public"."programs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tier_purchases" ADD CONSTRAINT "tier_purchases_member_id_members_id_fk" FOREIGN KEY ("member_id") REFERENCES "public"."members"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tier_purchases" ADD CONSTRAINT "tier_purchases_tier_id_tiers_id_fk" FOREIGN KEY ("tier_id") REFERENCES "public"."tiers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tier_reviews" ADD CONSTRAINT "tier_reviews_program_id_programs_id_fk" FOREIGN KEY ("program_id") REFERENCES "public"."programs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tier_reviews" ADD CONSTRAINT "tier_reviews_member_id_members_id_fk" FOREIGN KEY ("member_id") REFERENCES "public"."members"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tier_reviews" ADD CONSTRAINT "tier_reviews_tier_id_tiers_id_fk" FOREIGN KEY ("tier_id") REFERENCES "public"."tiers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tiers" ADD CONSTRAINT "tiers_program_id_programs_id_fk" FOREIGN KEY ("program_id") REFERENCES "public"."programs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "member_order_refunds" ADD CONSTRAINT "member_order_refunds_program_id_programs_id_fk" FOREIGN KEY ("program_id") REFERENCES "public"."programs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "member_order_refunds" ADD CONSTRAINT "member_order_refunds_order_id_member_orders_id_fk" FOREIGN KEY ("order_id") REFERENCES "public"."member_orders"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "member_order_refunds" ADD CONSTRAINT "member_order_refunds_entry_id_points_entries_id_fk" FOREIGN KEY ("entry_id") REFERENCES "public"."points_entries"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "member_orders" ADD CONSTRAINT "member_orders_program_id_programs_id_fk" FOREIGN KEY ("program_id") REFERENCES "public"."programs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "member_orders" ADD CONSTRAINT "member_orders_member_id_members_id_fk" FOREIGN KEY ("member_id") REFERENCES "public"."members"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "member_orders" ADD CONSTRAINT "member_orders_earn_entry_id_points_entries_id_fk" FOREIGN KEY ("earn_entry_id") REFERENCES "public"."points_entries"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "points_accounts" ADD CONSTRAINT "points_accounts_member_id_members_id_fk" FOREIGN KEY ("member_id") REFERENCES "public"."members"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "points_accounts" ADD CONSTRAINT "points_accounts_program_id_programs_id_fk" FOREIGN KEY ("program_id") REFERENCES "public"."programs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "points_allocations" ADD CONSTRAINT "points_allocations_entry_id_points_entries_id_fk" FOREIGN KEY ("entry_id") REFERENCES "public"."points_entries"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "points_allocations" ADD CONSTRAINT "points_allocations_lot_id_points_lots_id_fk" FOREIGN KEY ("lot_id") REFERENCES "public"."points_lots"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "points_entries" ADD CONSTRAINT "points_entries_program_id_programs_id_fk" FOREIGN KEY ("program_id") REFERENCES "public"."programs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "points_entries" ADD CONSTRAINT "points_entries_member_id_members_id_fk" FOREIGN KEY ("member_id") REFERENCES "public"."members"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "points_entries" ADD CONSTRAINT "points_entries_reverses_entry_id_points_entries_id_fk" FOREIGN KEY ("reverses_entry_id") REFERENCES "public"."points_entries"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "points_entries" ADD CONSTRAINT "points_entries_order_id_member_orders_id_fk" FOREIGN KEY ("order_id") REFERENCES "public"."member_orders"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "points_lots" ADD CONSTRAINT "points_lots_program_id_programs_id_fk" FOREIGN KEY ("program_id") REFERENCES "public"."programs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "points_lots" ADD CONSTRAINT "points_lots_member_id_members_id_fk" FOREIGN KEY ("member_id") REFERENCES "public"."members"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "points_lots" ADD CONSTRAINT "points_lots_entry_id_points_entries_id_fk" FOREIGN KEY ("entry_id") REFERENCES "public"."points_entries"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "import_chunks" ADD CONSTRAINT "import_chunks_import_id_import_runs_id_fk" FOREIGN KEY ("import_id") REFERENCES "public"."import_runs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "import_runs" ADD CONSTRAINT "import_runs_program_id_programs_id_fk" FOREIGN KEY ("program_id") REFERENCES "public"."programs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "member_segments" ADD CONSTRAINT "member_segments_member_id_members_id_fk" FOREIGN KEY ("member_id") REFERENCES "public"."members"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "member_segments" ADD CONSTRAINT "member_segments_program_id_programs_id_fk" FOREIGN KEY ("program_id") REFERENCES "public"."programs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "programs_tenant_idx" ON "programs" USING btree ("tenant_id");--> statement-breakpoint
CREATE UNIQUE INDEX "api_keys_hash_uq" ON "api_keys" USING btree ("secret_hash");--> statement-breakpoint
CREATE INDEX "api_keys_program_idx" ON "api_keys" USING btree ("program_id");--> statement-breakpoint
CREATE INDEX "login_attempts_email_at_idx" ON "login_attempts" USING btree ("email_normalized","at");--> statement-breakpoint
CREATE UNIQUE INDEX "signing_keys_one_active_uq" ON "signing_keys" USING btree ("purpose") WHERE "signing_keys"."status" = 'active';--> statement-breakpoint
CREATE UNIQUE INDEX "users_email_uq" ON "users" USING btree (lower("email"));--> statement-breakpoint
CREATE UNIQUE INDEX "users_member_uq" ON "users" USING btree ("member_id");--> statement-breakpoint
CREATE INDEX "users_tenant_idx" ON "users" USING btree ("tenant_id");--> statement-breakpoint
CREATE INDEX "affiliate_profiles_program_status_idx" ON "affiliate_profiles" USING btree ("program_id","status");--> statement-breakpoint
CREATE INDEX "member_tags_program_tag_idx" ON "member_tags" USING btree ("program_id","tag");--> statement-breakpoint
CREATE UNIQUE INDEX "members_program_email_uq" ON "members" USING btree ("program_id","email_normalized");--> statement-breakpoint
CREATE INDEX "members_program_id_idx" ON "members" USING btree ("program_id","id");--> statement-breakpoint
CREATE INDEX "members_program_country_idx" ON "members" USING btree ("program_id","country");--> statement-breakpoint
CREATE INDEX "members_referred_by_idx" ON "members" USING btree ("referred_by_member_id");--> statement-breakpoint
CREATE INDEX "tier_history_member_idx" ON "tier_history" USING btree ("member_id","effective_at");--> statement-breakpoint
CREATE INDEX "tier_history_member_id_idx" ON "tier_history" USING btree ("member_id","id");--> statement-breakpoint
CREATE INDEX "tier_purchases_member_idx" ON "tier_purchases" USING btree ("member_id","id");--> statement-breakpoint
CREATE UNIQUE INDEX "tiers_program_rank_live_uq" ON "tiers" USING btree ("program_id","rank") WHERE "tiers"."deleted_at" is null;--> statement-breakpoint
CREATE INDEX "member_order_refunds_order_idx" ON "member_order_refunds" USING btree ("order_id");--> statement-breakpoint
CREATE INDEX "member_orders_member_occurred_idx" ON "member_orders" USING btree ("member_id","occurred_at");--> statement-breakpoint
CREATE INDEX "member_orders_program_occurred_idx" ON "member_orders" USING btree ("program_id","occurred_at");--> statement-breakpoint
CREATE INDEX "points_accounts_program_idx" ON "points_accounts" USING btree ("program_id");--> statement-breakpoint
CREATE INDEX "points_allocations_lot_idx" ON "points_allocations" USING btree ("lot_id");--> statement-breakpoint
CREATE INDEX "points_entries_member_id_idx" ON "points_entries" USING btree ("member_id","id");--> statement-breakpoint
CREATE INDEX "points_entries_reverses_idx" ON "points_entries" USING btree ("reverses_entry_id");--> statement-breakpoint
CREATE INDEX "points_entries_order_idx" ON "points_entries" USING btree ("order_id");--> statement-breakpoint
CREATE UNIQUE INDEX "points_entries_one_manual_reversal_uq" ON "points_entries" USING btree ("reverses_entry_id") WHERE "points_entries"."kind" = 'reverse' and "points_entries"."order_id" is null;--> statement-breakpoint
CREATE UNIQUE INDEX "points_lots_entry_uq" ON "points_lots" USING btree ("entry_id");--> statement-breakpoint
CREATE INDEX "points_lots_member_open_idx" ON "points_lots" USING btree ("member_id","expires_at","id") WHERE "points_lots"."state" = 'available';--> statement-breakpoint
CREATE INDEX "points_lots_due_pending_idx" ON "points_lots" USING btree ("available_at") WHERE "points_lots"."state" = 'pending';--> statement-breakpoint
CREATE INDEX "points_lots_due_expiry_idx" ON "points_lots" USING btree ("expires_at") WHERE "points_lots"."state" <> 'closed' and "points_lots"."expires_at" is not null;--> statement-breakpoint
CREATE INDEX "import_runs_program_idx" ON "import_runs" USING btree ("program_id","id");--> statement-breakpoint
CREATE INDEX "member_segments_program_segment_idx" ON "member_segments" USING btree ("program_id","segment","member_id");--> statement-breakpoint
CREATE INDEX "audit_log_entity_idx" ON "audit_log" USING btree ("entity_type","entity_id");--> statement-breakpoint
CREATE INDEX "audit_log_tenant_at_idx" ON "audit_log" USING btree ("tenant_id","at");--> statement-breakpoint
CREATE INDEX "job_failures_name_idx" ON "job_failures" USING btree ("job_name","failed_at");