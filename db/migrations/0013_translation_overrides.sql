CREATE TABLE "translation_overrides" (
	"id" text PRIMARY KEY NOT NULL,
	"program_id" text NOT NULL,
	"country" char(2) NOT NULL,
	"locale" text NOT NULL,
	"namespace" text NOT NULL,
	"key" text NOT NULL,
	"value" text NOT NULL,
	"updated_by" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "translation_overrides_text_uq" UNIQUE("program_id","country","locale","namespace","key"),
	CONSTRAINT "translation_overrides_country_upper" CHECK ("translation_overrides"."country" ~ '^[A-Z]{2}$'),
	CONSTRAINT "translation_overrides_value_length" CHECK (char_length("translation_overrides"."value") between 1 and 2000)
);
--> statement-breakpoint
ALTER TABLE "translation_overrides" ADD CONSTRAINT "translation_overrides_program_id_programs_id_fk" FOREIGN KEY ("program_id") REFERENCES "public"."programs"("id") ON DELETE no action ON UPDATE no action;