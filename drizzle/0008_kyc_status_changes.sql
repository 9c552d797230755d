CREATE TABLE "kyc_status_changes" (
	"customer_id" uuid NOT NULL,
	"version" integer NOT NULL,
	"status" text NOT NULL,
	"previous_status" text,
	"occurred_at" timestamp with time zone NOT NULL,
	"event" text,
	"recorded_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "kyc_status_changes_customer_id_version_pk" PRIMARY KEY("customer_id","version")
);
--> statement-breakpoint
ALTER TABLE "kyc_status_changes" ADD CONSTRAINT "kyc_status_changes_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
-- Backfill: each customer's current status as the change that made its current version, so a subscriber
-- resuming from any earlier version starts from a known state (older versions predate the history).
INSERT INTO "kyc_status_changes" ("customer_id", "version", "status", "previous_status", "occurred_at", "event")
SELECT "id", "kyc_version", "kyc_status", NULL, COALESCE("kyc_status_at", "created_at"), "kyc_status_event"
FROM "customers" WHERE "kyc_version" > 0;
