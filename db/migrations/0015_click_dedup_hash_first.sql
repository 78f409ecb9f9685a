ALTER TABLE "click_dedup" DROP CONSTRAINT "click_dedup_link_id_ip_hash_pk";--> statement-breakpoint
ALTER TABLE "click_dedup" ALTER COLUMN "link_id" SET DATA TYPE text COLLATE "C";--> statement-breakpoint
ALTER TABLE "click_dedup" ALTER COLUMN "ip_hash" SET DATA TYPE text COLLATE "C";--> statement-breakpoint
ALTER TABLE "click_dedup" ADD CONSTRAINT "click_dedup_ip_hash_link_id_pk" PRIMARY KEY("ip_hash","link_id");