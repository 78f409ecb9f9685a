DROP INDEX "login_attempts_email_at_idx";--> statement-breakpoint
ALTER TABLE "signing_keys" ALTER COLUMN "purpose" DROP DEFAULT;--> statement-breakpoint
ALTER TABLE "login_attempts" ADD COLUMN "address_hash" text;--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "token_version" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
CREATE INDEX "login_attempts_email_address_at_idx" ON "login_attempts" USING btree ("email_normalized","address_hash","at");--> statement-breakpoint
CREATE INDEX "login_attempts_address_at_idx" ON "login_attempts" USING btree ("address_hash","at");--> statement-breakpoint
ALTER TABLE "signing_keys" ADD CONSTRAINT "signing_keys_purpose_ck" CHECK ("signing_keys"."purpose" in ('access_token', 'transparency_log'));