CREATE TABLE "customers" (
	"id" uuid PRIMARY KEY NOT NULL,
	"first_name" text NOT NULL,
	"middle_name" text,
	"last_name" text NOT NULL,
	"dob" date NOT NULL,
	"phone" text,
	"phone_country_code" text,
	"email" text,
	"addresses" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"kyc_status" text DEFAULT 'NOT_STARTED' NOT NULL,
	"kyc_status_at" timestamp with time zone,
	"kyc_status_event" text,
	"kyc_passed_at" timestamp with time zone,
	"kyc_documents_required" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"kyc_version" integer DEFAULT 0 NOT NULL,
	"bond_created_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "idempotency_keys" (
	"customer_id" uuid NOT NULL,
	"key" text NOT NULL,
	"fingerprint" text NOT NULL,
	"attempt_id" uuid NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "idempotency_keys_customer_id_key_pk" PRIMARY KEY("customer_id","key")
);
--> statement-breakpoint
CREATE TABLE "kyc_attempts" (
	"id" uuid PRIMARY KEY NOT NULL,
	"customer_id" uuid NOT NULL,
	"program_id" uuid NOT NULL,
	"status" text NOT NULL,
	"ssn_last_four" text NOT NULL,
	"sealed_submission" text,
	"fingerprint" text NOT NULL,
	"idempotency_key" text,
	"rejection_code" text,
	"sent_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "kyc_events" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"identity" text NOT NULL,
	"customer_id" uuid NOT NULL,
	"event" text NOT NULL,
	"occurred_at" timestamp with time zone,
	"payload" jsonb NOT NULL,
	"outcome" text NOT NULL,
	"status_after" text NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "kyc_events_identity_unique" UNIQUE("identity")
);
--> statement-breakpoint
ALTER TABLE "idempotency_keys" ADD CONSTRAINT "idempotency_keys_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "idempotency_keys" ADD CONSTRAINT "idempotency_keys_attempt_id_kyc_attempts_id_fk" FOREIGN KEY ("attempt_id") REFERENCES "public"."kyc_attempts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "kyc_attempts" ADD CONSTRAINT "kyc_attempts_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "kyc_events" ADD CONSTRAINT "kyc_events_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "customers_kyc_status_idx" ON "customers" USING btree ("kyc_status");--> statement-breakpoint
CREATE INDEX "kyc_attempts_customer_idx" ON "kyc_attempts" USING btree ("customer_id","created_at");--> statement-breakpoint
CREATE INDEX "kyc_events_customer_idx" ON "kyc_events" USING btree ("customer_id","received_at");