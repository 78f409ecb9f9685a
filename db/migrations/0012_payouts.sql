CREATE TYPE "public"."payout_account_status" AS ENUM('onboarding', 'enabled', 'restricted', 'disabled');--> statement-breakpoint
CREATE TYPE "public"."payout_method" AS ENUM('stripe', 'manual');--> statement-breakpoint
CREATE TYPE "public"."payout_run_status" AS ENUM('pending', 'running', 'completed', 'failed');--> statement-breakpoint
CREATE TYPE "public"."payout_run_trigger" AS ENUM('schedule', 'admin');--> statement-breakpoint
CREATE TYPE "public"."payout_status" AS ENUM('pending', 'processing', 'paid', 'failed', 'reversed');--> statement-breakpoint
CREATE TABLE "payout_accounts" (
	"id" text PRIMARY KEY NOT NULL,
	"program_id" text NOT NULL,
	"member_id" text NOT NULL,
	"stripe_account_id" text NOT NULL,
	"status" "payout_account_status" DEFAULT 'onboarding' NOT NULL,
	"details_submitted" boolean DEFAULT false NOT NULL,
	"payouts_enabled" boolean DEFAULT false NOT NULL,
	"requirements_due" text[] DEFAULT '{}'::text[] NOT NULL,
	"disabled_reason" text,
	"country" char(2),
	"default_currency" char(3),
	"bank_payout_failure" jsonb,
	"stripe_updated_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "payout_accounts_member_uq" UNIQUE("member_id"),
	CONSTRAINT "payout_accounts_stripe_account_uq" UNIQUE("stripe_account_id")
);
--> statement-breakpoint
CREATE TABLE "payout_items" (
	"payout_id" text NOT NULL,
	"commission_id" text NOT NULL,
	"amount" bigint NOT NULL,
	"paid_leaf_hash" "bytea",
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "payout_items_payout_commission_uq" UNIQUE("payout_id","commission_id")
);
--> statement-breakpoint
CREATE TABLE "payout_runs" (
	"id" text PRIMARY KEY NOT NULL,
	"program_id" text NOT NULL,
	"status" "payout_run_status" DEFAULT 'pending' NOT NULL,
	"trigger" "payout_run_trigger" NOT NULL,
	"method" "payout_method" NOT NULL,
	"period_key" text,
	"idempotency_key" text,
	"requested_by" text,
	"cutoff_at" timestamp with time zone NOT NULL,
	"started_at" timestamp with time zone,
	"completed_at" timestamp with time zone,
	"summary" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"error" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "payouts" (
	"id" text PRIMARY KEY NOT NULL,
	"run_id" text NOT NULL,
	"program_id" text NOT NULL,
	"partner_member_id" text NOT NULL,
	"currency" char(3) NOT NULL,
	"amount" bigint NOT NULL,
	"commission_count" integer NOT NULL,
	"method" "payout_method" NOT NULL,
	"status" "payout_status" DEFAULT 'pending' NOT NULL,
	"idempotency_key" text NOT NULL,
	"stripe_account_id" text,
	"stripe_transfer_id" text,
	"manual_reference" text,
	"attempts" integer DEFAULT 0 NOT NULL,
	"last_attempt_at" timestamp with time zone,
	"failure_code" text,
	"failure_message" text,
	"paid_at" timestamp with time zone,
	"paid_by" text,
	"failed_at" timestamp with time zone,
	"reversed_amount" bigint DEFAULT 0 NOT NULL,
	"reversed_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "payouts_run_partner_currency_uq" UNIQUE("run_id","partner_member_id","currency"),
	CONSTRAINT "payouts_idempotency_uq" UNIQUE("idempotency_key"),
	CONSTRAINT "payouts_amount_positive" CHECK ("payouts"."amount" > 0),
	CONSTRAINT "payouts_currency_upper" CHECK ("payouts"."currency" ~ '^[A-Z]{3}$')
);
--> statement-breakpoint
CREATE TABLE "stripe_events" (
	"id" text PRIMARY KEY NOT NULL,
	"type" text NOT NULL,
	"account" text,
	"livemode" boolean DEFAULT false NOT NULL,
	"payload" jsonb NOT NULL,
	"stripe_created_at" timestamp with time zone NOT NULL,
	"processed_at" timestamp with time zone,
	"error" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "payout_accounts" ADD CONSTRAINT "payout_accounts_program_id_programs_id_fk" FOREIGN KEY ("program_id") REFERENCES "public"."programs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "payout_accounts" ADD CONSTRAINT "payout_accounts_member_id_members_id_fk" FOREIGN KEY ("member_id") REFERENCES "public"."members"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "payout_items" ADD CONSTRAINT "payout_items_payout_id_payouts_id_fk" FOREIGN KEY ("payout_id") REFERENCES "public"."payouts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "payout_items" ADD CONSTRAINT "payout_items_commission_id_commissions_id_fk" FOREIGN KEY ("commission_id") REFERENCES "public"."commissions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "payout_runs" ADD CONSTRAINT "payout_runs_program_id_programs_id_fk" FOREIGN KEY ("program_id") REFERENCES "public"."programs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "payouts" ADD CONSTRAINT "payouts_run_id_payout_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."payout_runs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "payouts" ADD CONSTRAINT "payouts_program_id_programs_id_fk" FOREIGN KEY ("program_id") REFERENCES "public"."programs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "payouts" ADD CONSTRAINT "payouts_partner_member_id_members_id_fk" FOREIGN KEY ("partner_member_id") REFERENCES "public"."members"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "payout_items_commission_idx" ON "payout_items" USING btree ("commission_id");--> statement-breakpoint
CREATE UNIQUE INDEX "payout_runs_period_uq" ON "payout_runs" USING btree ("program_id","period_key") WHERE "payout_runs"."period_key" is not null;--> statement-breakpoint
CREATE UNIQUE INDEX "payout_runs_idempotency_uq" ON "payout_runs" USING btree ("program_id","idempotency_key") WHERE "payout_runs"."idempotency_key" is not null;--> statement-breakpoint
CREATE INDEX "payout_runs_program_time_idx" ON "payout_runs" USING btree ("program_id","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "payouts_transfer_uq" ON "payouts" USING btree ("stripe_transfer_id") WHERE "payouts"."stripe_transfer_id" is not null;--> statement-breakpoint
CREATE INDEX "payouts_partner_time_idx" ON "payouts" USING btree ("partner_member_id","created_at");--> statement-breakpoint
CREATE INDEX "payouts_program_status_idx" ON "payouts" USING btree ("program_id","status");--> statement-breakpoint
CREATE INDEX "stripe_events_unprocessed_idx" ON "stripe_events" USING btree ("created_at") WHERE "stripe_events"."processed_at" is null;--> statement-breakpoint
CREATE INDEX "commissions_payout_idx" ON "commissions" USING btree ("payout_id") WHERE "commissions"."payout_id" is not null;