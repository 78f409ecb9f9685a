ALTER TABLE "fx_rates" DROP CONSTRAINT "fx_rates_pair_time_uq";--> statement-breakpoint
ALTER TABLE "fx_rates" ADD COLUMN "tenant_id" text NOT NULL;--> statement-breakpoint
ALTER TABLE "fx_rates" ADD CONSTRAINT "fx_rates_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "fx_rates" ADD CONSTRAINT "fx_rates_pair_time_uq" UNIQUE("tenant_id","base","quote","effective_at");