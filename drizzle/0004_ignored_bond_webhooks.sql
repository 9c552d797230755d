CREATE TABLE "ignored_bond_webhooks" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"body_hash" text NOT NULL,
	"event" text NOT NULL,
	"reason" text NOT NULL,
	"customer_id" uuid,
	"payload" jsonb NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "ignored_bond_webhooks_body_hash_unique" UNIQUE("body_hash")
);
--> statement-breakpoint
CREATE INDEX "ignored_bond_webhooks_received_idx" ON "ignored_bond_webhooks" USING btree ("received_at");