DROP INDEX "log_entries_program_type_idx";--> statement-breakpoint
CREATE INDEX "log_entries_program_stats_idx" ON "log_entries" USING btree ("program_id","idx") WHERE "log_entries"."type" = 'stats.program.daily';--> statement-breakpoint
CREATE INDEX "log_entries_recorded_brin" ON "log_entries" USING brin ("recorded_at");