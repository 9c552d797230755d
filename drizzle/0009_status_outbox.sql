CREATE TABLE "kyc_status_outbox" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"payload" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE INDEX "kyc_status_outbox_created_idx" ON "kyc_status_outbox" USING btree ("created_at");