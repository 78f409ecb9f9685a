CREATE TABLE "tenant_secrets" (
	"tenant_id" text NOT NULL,
	"purpose" text NOT NULL,
	"sealed" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "tenant_secrets_tenant_id_purpose_pk" PRIMARY KEY("tenant_id","purpose")
);
--> statement-breakpoint
ALTER TABLE "customers" DROP CONSTRAINT "customers_identified";--> statement-breakpoint
DROP INDEX "login_attempts_email_at_idx";--> statement-breakpoint
ALTER TABLE "signing_keys" ALTER COLUMN "purpose" DROP DEFAULT;--> statement-breakpoint
ALTER TABLE "signing_keys" ALTER COLUMN "private_jwk" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "markets" ADD COLUMN "commission_max_signup_amount" bigint;--> statement-breakpoint
ALTER TABLE "markets" ADD COLUMN "commission_max_sale_amount" bigint;--> statement-breakpoint
ALTER TABLE "markets" ADD COLUMN "commission_max_percent_bps" integer;--> statement-breakpoint
ALTER TABLE "api_keys" ADD COLUMN "signing_secret_sealed" text;--> statement-breakpoint
ALTER TABLE "login_attempts" ADD COLUMN "address_hash" text;--> statement-breakpoint
ALTER TABLE "signing_keys" ADD COLUMN "private_key_sealed" text;--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "token_version" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "affiliate_profiles" ADD COLUMN "payout_details_sealed" text;--> statement-breakpoint
ALTER TABLE "conversions" ADD COLUMN "email_hmac" text;--> statement-breakpoint
ALTER TABLE "customers" ADD COLUMN "email_hmac" text;--> statement-breakpoint
ALTER TABLE "tenant_secrets" ADD CONSTRAINT "tenant_secrets_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "login_attempts_email_address_at_idx" ON "login_attempts" USING btree ("email_normalized","address_hash","at");--> statement-breakpoint
CREATE INDEX "login_attempts_address_at_idx" ON "login_attempts" USING btree ("address_hash","at");--> statement-breakpoint
CREATE INDEX "conversions_legacy_email_idx" ON "conversions" USING btree ("id") WHERE "conversions"."email_hash" is not null;--> statement-breakpoint
CREATE UNIQUE INDEX "customers_program_email_hmac_uq" ON "customers" USING btree ("program_id","email_hmac") WHERE "customers"."email_hmac" is not null;--> statement-breakpoint
ALTER TABLE "markets" ADD CONSTRAINT "markets_commission_bounds" CHECK (coalesce("markets"."commission_max_signup_amount", 0) >= 0 and coalesce("markets"."commission_max_sale_amount", 0) >= 0 and coalesce("markets"."commission_max_percent_bps", 0) between 0 and 100000);--> statement-breakpoint
ALTER TABLE "signing_keys" ADD CONSTRAINT "signing_keys_purpose_ck" CHECK ("signing_keys"."purpose" in ('access_token', 'transparency_log'));--> statement-breakpoint
ALTER TABLE "customers" ADD CONSTRAINT "customers_identified" CHECK ("customers"."external_ref" is not null or "customers"."email_hmac" is not null or "customers"."email_hash" is not null);