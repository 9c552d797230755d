DROP INDEX "customers_kyc_status_idx";--> statement-breakpoint
ALTER TABLE "customers" ADD COLUMN "kyc_failure_reasons" jsonb;--> statement-breakpoint
ALTER TABLE "customers" ADD COLUMN "kyc_incorrect_information" jsonb DEFAULT '[]'::jsonb NOT NULL;--> statement-breakpoint
CREATE INDEX "customers_created_idx" ON "customers" USING btree ("created_at","id");--> statement-breakpoint
CREATE INDEX "customers_kyc_status_created_idx" ON "customers" USING btree ("kyc_status","created_at","id");--> statement-breakpoint
CREATE INDEX "kyc_attempts_program_idx" ON "kyc_attempts" USING btree ("program_id","customer_id");