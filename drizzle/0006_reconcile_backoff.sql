ALTER TABLE "customers" ADD COLUMN "reconcile_lookups" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "customers" ADD COLUMN "reconcile_next_at" timestamp with time zone;