ALTER TABLE "customers" ADD COLUMN "kyc_round" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "customers" ADD COLUMN "kyc_status_round" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "customers" ADD COLUMN "kyc_bond_time_micros" bigint;--> statement-breakpoint
ALTER TABLE "kyc_attempts" ADD COLUMN "round" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "kyc_events" ADD COLUMN "occurred_at_micros" bigint;--> statement-breakpoint
ALTER TABLE "kyc_events" ADD COLUMN "round" integer DEFAULT 0 NOT NULL;