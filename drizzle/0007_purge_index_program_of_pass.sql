ALTER TABLE "customers" ADD COLUMN "kyc_passed_program_id" uuid;--> statement-breakpoint
CREATE INDEX "idempotency_keys_expires_idx" ON "idempotency_keys" USING btree ("expires_at");--> statement-breakpoint
ALTER TABLE "kyc_attempts" DROP COLUMN "fingerprint";