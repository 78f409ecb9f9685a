CREATE TYPE "public"."attribution_method" AS ENUM('click_id', 'cookie', 'promo_code', 'customer', 'none');--> statement-breakpoint
CREATE TYPE "public"."conversion_kind" AS ENUM('signup', 'sale');--> statement-breakpoint
CREATE TYPE "public"."conversion_status" AS ENUM('pending', 'completed', 'partially_refunded', 'refunded', 'cancelled');--> statement-breakpoint
CREATE TYPE "public"."promo_code_status" AS ENUM('active', 'archived');--> statement-breakpoint
CREATE TYPE "public"."commission_kind" AS ENUM('signup', 'sale', 'clawback');--> statement-breakpoint
CREATE TYPE "public"."commission_mode" AS ENUM('per_signup', 'per_transaction');--> statement-breakpoint
CREATE TYPE "public"."commission_status" AS ENUM('pending', 'held', 'approved', 'paid', 'reversed', 'rejected');--> statement-breakpoint
CREATE TYPE "public"."referral_reward_side" AS ENUM('referrer', 'friend');--> statement-breakpoint
CREATE TYPE "public"."referral_reward_status" AS ENUM('granted', 'capped', 'reversed');--> statement-breakpoint
CREATE TYPE "public"."referral_reward_trigger" AS ENUM('signup', 'first_purchase');--> statement-breakpoint
CREATE TABLE "conversion_refunds" (
	"id" text PRIMARY KEY NOT NULL,
	"program_id" text NOT NULL,
	"conversion_id" text NOT NULL,
	"idempotency_key" text NOT NULL,
	"amount" bigint NOT NULL,
	"request_hash" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "conversion_refunds_program_idem_uq" UNIQUE("program_id","idempotency_key"),
	CONSTRAINT "conversion_refunds_amount_positive" CHECK ("conversion_refunds"."amount" > 0)
);
--> statement-breakpoint
CREATE TABLE "conversions" (
	"id" text PRIMARY KEY NOT NULL,
	"program_id" text NOT NULL,
	"external_id" text NOT NULL,
	"kind" "conversion_kind" NOT NULL,
	"status" "conversion_status" NOT NULL,
	"occurred_at" timestamp with time zone NOT NULL,
	"completed_at" timestamp with time zone,
	"cancelled_at" timestamp with time zone,
	"amount" bigint,
	"currency" char(3),
	"refunded_amount" bigint DEFAULT 0 NOT NULL,
	"click_id" text,
	"cookie_click_id" text,
	"promo_code" text,
	"customer_ref" text,
	"email_hash" text,
	"ip_hash" text,
	"country" char(2),
	"metadata" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"request_hash" text NOT NULL,
	"processed_at" timestamp with time zone,
	"attribution_method" "attribution_method",
	"attributed_click_id" text,
	"clicked_at" timestamp with time zone,
	"link_id" text,
	"partner_member_id" text,
	"customer_id" text,
	"market_country" char(2),
	"fraud_reasons" text[] DEFAULT '{}'::text[] NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "conversions_program_external_uq" UNIQUE("program_id","external_id"),
	CONSTRAINT "conversions_sale_amount" CHECK (("conversions"."kind" = 'sale') = ("conversions"."amount" is not null and "conversions"."currency" is not null)),
	CONSTRAINT "conversions_amount_positive" CHECK ("conversions"."amount" is null or "conversions"."amount" > 0),
	CONSTRAINT "conversions_refund_bounds" CHECK ("conversions"."refunded_amount" >= 0 and ("conversions"."amount" is null or "conversions"."refunded_amount" <= "conversions"."amount")),
	CONSTRAINT "conversions_currency_upper" CHECK ("conversions"."currency" is null or "conversions"."currency" ~ '^[A-Z]{3}$')
);
--> statement-breakpoint
CREATE TABLE "customers" (
	"id" text PRIMARY KEY NOT NULL,
	"program_id" text NOT NULL,
	"external_ref" text,
	"email_hash" text,
	"member_id" text,
	"bound_partner_id" text,
	"bound_at" timestamp with time zone,
	"bound_conversion_id" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "customers_identified" CHECK ("customers"."external_ref" is not null or "customers"."email_hash" is not null)
);
--> statement-breakpoint
CREATE TABLE "partner_ip_hashes" (
	"member_id" text NOT NULL,
	"day" date NOT NULL,
	"ip_hash" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "partner_ip_hashes_member_id_day_ip_hash_pk" PRIMARY KEY("member_id","day","ip_hash")
);
--> statement-breakpoint
CREATE TABLE "promo_codes" (
	"id" text PRIMARY KEY NOT NULL,
	"program_id" text NOT NULL,
	"code" text NOT NULL,
	"partner_member_id" text NOT NULL,
	"status" "promo_code_status" DEFAULT 'active' NOT NULL,
	"archived_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "promo_codes_program_code_uq" UNIQUE("program_id","code"),
	CONSTRAINT "promo_codes_code_format" CHECK ("promo_codes"."code" ~ '^[A-Z0-9][A-Z0-9_-]{2,39}$')
);
--> statement-breakpoint
CREATE TABLE "commission_policies" (
	"id" text PRIMARY KEY NOT NULL,
	"program_id" text NOT NULL,
	"country" char(2),
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "commission_policies_program_country_uq" UNIQUE NULLS NOT DISTINCT("program_id","country"),
	CONSTRAINT "commission_policies_country_upper" CHECK ("commission_policies"."country" ~ '^[A-Z]{2}$')
);
--> statement-breakpoint
CREATE TABLE "commission_policy_versions" (
	"id" text PRIMARY KEY NOT NULL,
	"policy_id" text NOT NULL,
	"program_id" text NOT NULL,
	"country" char(2),
	"version" integer NOT NULL,
	"effective_from" timestamp with time zone NOT NULL,
	"mode" "commission_mode" NOT NULL,
	"currency" char(3) NOT NULL,
	"signup_amount" bigint,
	"percent_bps" integer,
	"flat_amount" bigint DEFAULT 0 NOT NULL,
	"min_amount" bigint,
	"max_amount" bigint,
	"hold_days" integer NOT NULL,
	"attribution_window_days" integer NOT NULL,
	"switch_to_per_transaction_at" timestamp with time zone,
	"note" text,
	"created_by" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "commission_policy_versions_policy_version_uq" UNIQUE("policy_id","version"),
	CONSTRAINT "commission_policy_versions_amounts_nonneg" CHECK (coalesce("commission_policy_versions"."signup_amount", 0) >= 0 and "commission_policy_versions"."flat_amount" >= 0 and coalesce("commission_policy_versions"."min_amount", 0) >= 0 and coalesce("commission_policy_versions"."max_amount", 0) >= 0),
	CONSTRAINT "commission_policy_versions_caps" CHECK ("commission_policy_versions"."min_amount" is null or "commission_policy_versions"."max_amount" is null or "commission_policy_versions"."min_amount" <= "commission_policy_versions"."max_amount"),
	CONSTRAINT "commission_policy_versions_percent" CHECK ("commission_policy_versions"."percent_bps" is null or ("commission_policy_versions"."percent_bps" >= 0 and "commission_policy_versions"."percent_bps" <= 100000)),
	CONSTRAINT "commission_policy_versions_days" CHECK ("commission_policy_versions"."hold_days" >= 0 and "commission_policy_versions"."attribution_window_days" >= 1),
	CONSTRAINT "commission_policy_versions_mode_terms" CHECK (("commission_policy_versions"."mode" = 'per_signup' and "commission_policy_versions"."signup_amount" is not null) or ("commission_policy_versions"."mode" = 'per_transaction' and "commission_policy_versions"."percent_bps" is not null)),
	CONSTRAINT "commission_policy_versions_switch_terms" CHECK ("commission_policy_versions"."switch_to_per_transaction_at" is null or "commission_policy_versions"."percent_bps" is not null)
);
--> statement-breakpoint
CREATE TABLE "commissions" (
	"id" text PRIMARY KEY NOT NULL,
	"program_id" text NOT NULL,
	"conversion_id" text NOT NULL,
	"partner_member_id" text NOT NULL,
	"kind" "commission_kind" NOT NULL,
	"status" "commission_status" NOT NULL,
	"policy_version_id" text,
	"country" char(2),
	"amount" bigint NOT NULL,
	"currency" char(3) NOT NULL,
	"reversed_amount" bigint DEFAULT 0 NOT NULL,
	"payout_currency" char(3) NOT NULL,
	"payout_amount" bigint NOT NULL,
	"payout_reversed_amount" bigint DEFAULT 0 NOT NULL,
	"fx_rate" numeric(20, 10) NOT NULL,
	"fx_rate_id" text,
	"multiplier_bps" integer DEFAULT 10000 NOT NULL,
	"hold_until" timestamp with time zone,
	"hold_reasons" text[] DEFAULT '{}'::text[] NOT NULL,
	"decided_by" text,
	"decided_at" timestamp with time zone,
	"decision_reason" text,
	"approved_at" timestamp with time zone,
	"paid_at" timestamp with time zone,
	"reversed_at" timestamp with time zone,
	"payout_id" text,
	"clawback_of" text,
	"refund_id" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "commissions_sign" CHECK (("commissions"."kind" = 'clawback') = ("commissions"."amount" < 0) or "commissions"."amount" = 0),
	CONSTRAINT "commissions_reversed_bounds" CHECK ("commissions"."reversed_amount" >= 0 and ("commissions"."amount" < 0 or "commissions"."reversed_amount" <= "commissions"."amount")),
	CONSTRAINT "commissions_currency_upper" CHECK ("commissions"."currency" ~ '^[A-Z]{3}$' and "commissions"."payout_currency" ~ '^[A-Z]{3}$')
);
--> statement-breakpoint
CREATE TABLE "fx_rates" (
	"id" text PRIMARY KEY NOT NULL,
	"base" char(3) NOT NULL,
	"quote" char(3) NOT NULL,
	"rate" numeric(20, 10) NOT NULL,
	"effective_at" timestamp with time zone NOT NULL,
	"source" text DEFAULT 'manual' NOT NULL,
	"created_by" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "fx_rates_pair_time_uq" UNIQUE("base","quote","effective_at"),
	CONSTRAINT "fx_rates_positive" CHECK ("fx_rates"."rate" > 0),
	CONSTRAINT "fx_rates_codes" CHECK ("fx_rates"."base" ~ '^[A-Z]{3}$' and "fx_rates"."quote" ~ '^[A-Z]{3}$' and "fx_rates"."base" <> "fx_rates"."quote")
);
--> statement-breakpoint
CREATE TABLE "referral_rewards" (
	"id" text PRIMARY KEY NOT NULL,
	"program_id" text NOT NULL,
	"conversion_id" text NOT NULL,
	"side" "referral_reward_side" NOT NULL,
	"trigger" "referral_reward_trigger" NOT NULL,
	"member_id" text NOT NULL,
	"referrer_member_id" text NOT NULL,
	"friend_member_id" text NOT NULL,
	"points" bigint NOT NULL,
	"points_entry_id" text,
	"status" "referral_reward_status" NOT NULL,
	"reversed_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "referral_rewards_conversion_side_uq" UNIQUE("conversion_id","side"),
	CONSTRAINT "referral_rewards_points_nonneg" CHECK ("referral_rewards"."points" >= 0)
);
--> statement-breakpoint
ALTER TABLE "api_keys" ADD COLUMN "signing_secret" text;--> statement-breakpoint
ALTER TABLE "conversion_refunds" ADD CONSTRAINT "conversion_refunds_program_id_programs_id_fk" FOREIGN KEY ("program_id") REFERENCES "public"."programs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "conversion_refunds" ADD CONSTRAINT "conversion_refunds_conversion_id_conversions_id_fk" FOREIGN KEY ("conversion_id") REFERENCES "public"."conversions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "conversions" ADD CONSTRAINT "conversions_program_id_programs_id_fk" FOREIGN KEY ("program_id") REFERENCES "public"."programs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "conversions" ADD CONSTRAINT "conversions_link_id_links_id_fk" FOREIGN KEY ("link_id") REFERENCES "public"."links"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "conversions" ADD CONSTRAINT "conversions_partner_member_id_members_id_fk" FOREIGN KEY ("partner_member_id") REFERENCES "public"."members"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "conversions" ADD CONSTRAINT "conversions_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "customers" ADD CONSTRAINT "customers_program_id_programs_id_fk" FOREIGN KEY ("program_id") REFERENCES "public"."programs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "customers" ADD CONSTRAINT "customers_member_id_members_id_fk" FOREIGN KEY ("member_id") REFERENCES "public"."members"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "customers" ADD CONSTRAINT "customers_bound_partner_id_members_id_fk" FOREIGN KEY ("bound_partner_id") REFERENCES "public"."members"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "partner_ip_hashes" ADD CONSTRAINT "partner_ip_hashes_member_id_members_id_fk" FOREIGN KEY ("member_id") REFERENCES "public"."members"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "promo_codes" ADD CONSTRAINT "promo_codes_program_id_programs_id_fk" FOREIGN KEY ("program_id") REFERENCES "public"."programs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "promo_codes" ADD CONSTRAINT "promo_codes_partner_member_id_members_id_fk" FOREIGN KEY ("partner_member_id") REFERENCES "public"."members"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "commission_policies" ADD CONSTRAINT "commission_policies_program_id_programs_id_fk" FOREIGN KEY ("program_id") REFERENCES "public"."programs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "commission_policy_versions" ADD CONSTRAINT "commission_policy_versions_policy_id_commission_policies_id_fk" FOREIGN KEY ("policy_id") REFERENCES "public"."commission_policies"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "commission_policy_versions" ADD CONSTRAINT "commission_policy_versions_program_id_programs_id_fk" FOREIGN KEY ("program_id") REFERENCES "public"."programs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "commissions" ADD CONSTRAINT "commissions_program_id_programs_id_fk" FOREIGN KEY ("program_id") REFERENCES "public"."programs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "commissions" ADD CONSTRAINT "commissions_conversion_id_conversions_id_fk" FOREIGN KEY ("conversion_id") REFERENCES "public"."conversions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "commissions" ADD CONSTRAINT "commissions_partner_member_id_members_id_fk" FOREIGN KEY ("partner_member_id") REFERENCES "public"."members"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "commissions" ADD CONSTRAINT "commissions_policy_version_id_commission_policy_versions_id_fk" FOREIGN KEY ("policy_version_id") REFERENCES "public"."commission_policy_versions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "commissions" ADD CONSTRAINT "commissions_clawback_of_commissions_id_fk" FOREIGN KEY ("clawback_of") REFERENCES "public"."commissions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "referral_rewards" ADD CONSTRAINT "referral_rewards_program_id_programs_id_fk" FOREIGN KEY ("program_id") REFERENCES "public"."programs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "referral_rewards" ADD CONSTRAINT "referral_rewards_conversion_id_conversions_id_fk" FOREIGN KEY ("conversion_id") REFERENCES "public"."conversions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "referral_rewards" ADD CONSTRAINT "referral_rewards_member_id_members_id_fk" FOREIGN KEY ("member_id") REFERENCES "public"."members"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "referral_rewards" ADD CONSTRAINT "referral_rewards_referrer_member_id_members_id_fk" FOREIGN KEY ("referrer_member_id") REFERENCES "public"."members"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "referral_rewards" ADD CONSTRAINT "referral_rewards_friend_member_id_members_id_fk" FOREIGN KEY ("friend_member_id") REFERENCES "public"."members"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "conversion_refunds_conversion_idx" ON "conversion_refunds" USING btree ("conversion_id");--> statement-breakpoint
CREATE INDEX "conversions_program_time_idx" ON "conversions" USING btree ("program_id","occurred_at");--> statement-breakpoint
CREATE INDEX "conversions_partner_time_idx" ON "conversions" USING btree ("partner_member_id","occurred_at");--> statement-breakpoint
CREATE INDEX "conversions_program_market_time_idx" ON "conversions" USING btree ("program_id","market_country","occurred_at");--> statement-breakpoint
CREATE INDEX "conversions_customer_idx" ON "conversions" USING btree ("customer_id");--> statement-breakpoint
CREATE INDEX "conversions_unprocessed_idx" ON "conversions" USING btree ("created_at") WHERE "conversions"."processed_at" is null;--> statement-breakpoint
CREATE UNIQUE INDEX "customers_program_ref_uq" ON "customers" USING btree ("program_id","external_ref") WHERE "customers"."external_ref" is not null;--> statement-breakpoint
CREATE UNIQUE INDEX "customers_program_email_uq" ON "customers" USING btree ("program_id","email_hash") WHERE "customers"."email_hash" is not null;--> statement-breakpoint
CREATE INDEX "customers_member_idx" ON "customers" USING btree ("member_id");--> statement-breakpoint
CREATE INDEX "partner_ip_hashes_day_hash_idx" ON "partner_ip_hashes" USING btree ("day","ip_hash");--> statement-breakpoint
CREATE INDEX "promo_codes_partner_idx" ON "promo_codes" USING btree ("partner_member_id");--> statement-breakpoint
CREATE INDEX "commission_policy_versions_lookup_idx" ON "commission_policy_versions" USING btree ("program_id","country","effective_from");--> statement-breakpoint
CREATE UNIQUE INDEX "commissions_one_per_conversion_uq" ON "commissions" USING btree ("conversion_id") WHERE "commissions"."kind" <> 'clawback';--> statement-breakpoint
CREATE UNIQUE INDEX "commissions_one_clawback_per_refund_uq" ON "commissions" USING btree ("clawback_of","refund_id") WHERE "commissions"."kind" = 'clawback';--> statement-breakpoint
CREATE INDEX "commissions_program_status_idx" ON "commissions" USING btree ("program_id","status");--> statement-breakpoint
CREATE INDEX "commissions_partner_status_idx" ON "commissions" USING btree ("partner_member_id","status");--> statement-breakpoint
CREATE INDEX "commissions_due_idx" ON "commissions" USING btree ("hold_until") WHERE "commissions"."status" = 'pending';--> statement-breakpoint
CREATE UNIQUE INDEX "referral_rewards_friend_trigger_side_uq" ON "referral_rewards" USING btree ("friend_member_id","trigger","side");--> statement-breakpoint
CREATE INDEX "referral_rewards_member_time_idx" ON "referral_rewards" USING btree ("member_id","created_at");