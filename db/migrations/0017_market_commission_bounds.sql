ALTER TABLE "markets" ADD COLUMN "commission_max_signup_amount" bigint;--> statement-breakpoint
ALTER TABLE "markets" ADD COLUMN "commission_max_sale_amount" bigint;--> statement-breakpoint
ALTER TABLE "markets" ADD COLUMN "commission_max_percent_bps" integer;--> statement-breakpoint
ALTER TABLE "markets" ADD CONSTRAINT "markets_commission_bounds" CHECK (coalesce("markets"."commission_max_signup_amount", 0) >= 0 and coalesce("markets"."commission_max_sale_amount", 0) >= 0 and coalesce("markets"."commission_max_percent_bps", 0) between 0 and 100000);