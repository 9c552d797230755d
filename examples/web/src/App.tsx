import { useMutation, useQuery, useSubscription } from "@apollo/client/react";
import { useRef, useState, type FormEvent, type ReactNode } from "react";
import { apiErrorOf, describeError, type ApiError } from "./apollo";
import {
  WebCreateCustomerDocument,
  WebCustomerDocument,
  WebKycStatusDocument,
  WebSubmitKycDocument,
  WebUploadKycDocumentDocument,
  type KycDocumentType,
  type KycStatus,
} from "./gql/graphql";

/** Bond's sandbox program; a real app has its own program id. */
const PROGRAM_ID = import.meta.env.VITE_KYC_PROGRAM_ID ?? "b50063df-0b39-43f7-9458-25b08a75d42a";

const STATUS_TEXT: Record<KycStatus, string> = {
  NOT_STARTED: "Not started: submit your details below.",
  SUBMITTED: "Submitted: we are checking your identity…",
  UNDER_REVIEW: "Under review…",
  DOCUMENT_REQUIRED: "We need documents from you (below).",
  REENTER_INFORMATION: "Some details were not right: correct them and submit again.",
  PASSED: "Verified. Welcome aboard!",
  FAILED: "We could not verify your identity.",
  TIMEOUT: "The check timed out: please submit again.",
  ERROR: "The check failed on our side: please submit again later.",
};

/** A label, an input, and the API's errors for that field right under it. */
function Field({ label, name, errors, children }: { label: string; name: string; errors: Record<string, string[]>; children: ReactNode }) {
  const messages = errors[name] ?? [];
  return (
    <label style={{ display: "block", margin: "0.5rem 0" }}>
      <span style={{ display: "inline-block", width: 180 }}>{label}</span>
      {children}
      {messages.length > 0 && (
        <span role="alert" data-field-error={name} style={{ color: "crimson", marginLeft: 8 }}>
          {messages.join(" ")}
        </span>
      )}
    </label>
  );
}

function ErrorBanner({ error }: { error: ApiError | null }) {
  if (!error) return null;
  return (
    <p role="alert" data-error-code={error.code} style={{ background: "#fee", border: "1px solid crimson", padding: "0.5rem" }}>
      {describeError(error)}
    </p>
  );
}

function useForm<T extends Record<string, string>>(initial: T) {
  const [values, setValues] = useState(initial);
  const input = (name: keyof T & string, type = "text") => ({
    name,
    type,
    value: values[name],
    onChange: (event: { target: { value: string } }) => setValues((current) => ({ ...current, [name]: event.target.value })),
  });
  return { values, input };
}

function CreateCustomer({ onCreated }: { onCreated: (id: string) => void }) {
  const { values, input } = useForm({ firstName: "", lastName: "", dob: "", email: "", street: "", city: "", state: "", zipCode: "" });
  const [createCustomer, { loading }] = useMutation(WebCreateCustomerDocument);
  const [error, setError] = useState<ApiError | null>(null);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    try {
      const { data } = await createCustomer({
        variables: {
          input: {
            firstName: values.firstName,
            lastName: values.lastName,
            dob: values.dob,
            email: values.email || null,
            // A lone address is the primary one.
            addresses: [
              { addressType: "PHYSICAL", street: values.street, city: values.city, state: values.state, zipCode: values.zipCode },
            ],
          },
        },
      });
      if (data) onCreated(data.createCustomer.id);
    } catch (caught) {
      setError(apiErrorOf(caught));
    }
  };
  const errors = error?.fields ?? {};
  return (
    <form onSubmit={submit} aria-label="Create customer">
      <h2>1. Your details</h2>
      <Field label="First name" name="firstName" errors={errors}>
        <input {...input("firstName")} />
      </Field>
      <Field label="Last name" name="lastName" errors={errors}>
        <input {...input("lastName")} />
      </Field>
      <Field label="Date of birth (YYYY-MM-DD)" name="dob" errors={errors}>
        <input {...input("dob")} />
      </Field>
      <Field label="Email" name="email" errors={errors}>
        <input {...input("email", "email")} />
      </Field>
      <Field label="Street" name="addresses.0.street" errors={errors}>
        <input {...input("street")} />
      </Field>
      <Field label="City" name="addresses.0.city" errors={errors}>
        <input {...input("city")} />
      </Field>
      <Field label="State (e.g. TX)" name="addresses.0.state" errors={errors}>
        <input {...input("state")} />
      </Field>
      <Field label="ZIP code" name="addresses.0.zipCode" errors={errors}>
        <input {...input("zipCode")} />
      </Field>
      <ErrorBanner error={error} />
      <button type="submit" disabled={loading}>
        Create customer
      </button>
    </form>
  );
}

function SubmitKyc({ customerId }: { customerId: string }) {
  const { values, input } = useForm({ ssn: "", phone: "", phoneCountryCode: "1", email: "", ip: "127.1.1.1" });
  const [submitKyc, { loading }] = useMutation(WebSubmitKycDocument);
  const [error, setError] = useState<ApiError | null>(null);
  const [sent, setSent] = useState<string | null>(null);
  // One idempotency key per submission: a retry after a network error or UPSTREAM_UNAVAILABLE reuses it, so
  // Bond never starts two verifications; a new one is made once an attempt was accepted.
  const idempotencyKey = useRef(crypto.randomUUID());
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    try {
      const { data } = await submitKyc({
        variables: { input: { customerId, programId: PROGRAM_ID, ...values, idempotencyKey: idempotencyKey.current } },
      });
      if (data) {
        setSent(`Submitted (SSN ending ${data.submitKyc.ssnLastFour}).`);
        idempotencyKey.current = crypto.randomUUID();
      }
    } catch (caught) {
      const apiError = apiErrorOf(caught);
      // Other input under the same key: this is a new submission.
      if (apiError.code === "IDEMPOTENCY_KEY_REUSED" || apiError.code === "BAD_USER_INPUT") idempotencyKey.current = crypto.randomUUID();
      setError(apiError);
    }
  };
  const errors = error?.fields ?? {};
  return (
    <form onSubmit={submit} aria-label="Submit KYC">
      <h2>2. Verify your identity</h2>
      <Field label="SSN" name="ssn" errors={errors}>
        <input {...input("ssn")} autoComplete="off" />
      </Field>
      <Field label="Phone" name="phone" errors={errors}>
        <input {...input("phone", "tel")} />
      </Field>
      <Field label="Phone country code" name="phoneCountryCode" errors={errors}>
        <input {...input("phoneCountryCode")} />
      </Field>
      <Field label="Email" name="email" errors={errors}>
        <input {...input("email", "email")} />
      </Field>
      <Field label="IP address (your backend fills this in)" name="ip" errors={errors}>
        <input {...input("ip")} />
      </Field>
      <ErrorBanner error={error} />
      {sent && !error && <p data-testid="kyc-sent">{sent}</p>}
      <button type="submit" disabled={loading}>
        Submit KYC
      </button>
    </form>
  );
}

/** The file's bytes as standard base64 (what KycFileInput takes). */
function readBase64(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result).replace(/^data:[^,]*,/, ""));
    reader.onerror = () => reject(reader.error);
    reader.readAsDataURL(file);
  });
}

const DOCUMENT_LABEL: Record<KycDocumentType, string> = {
  government_id: "Government id (front image: JPEG, PNG, HEIC or PDF)",
  proof_of_address: "Proof of address (a utility bill)",
  social_security_card: "Social Security card",
};

function UploadDocument({ customerId, document }: { customerId: string; document: KycDocumentType }) {
  const [upload, { loading }] = useMutation(WebUploadKycDocumentDocument);
  const [error, setError] = useState<ApiError | null>(null);
  const [file, setFile] = useState<File | null>(null);
  const fieldName = {
    government_id: "governmentId.frontImage",
    proof_of_address: "proofOfAddress.file",
    social_security_card: "socialSecurityCard.file",
  }[document];
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    if (!file) return setError({ code: "BAD_USER_INPUT", message: "", fields: { [fieldName]: ["Choose a file."] }, extensions: {} });
    try {
      const kycFile = { fileName: file.name, contentBase64: await readBase64(file) };
      const input =
        document === "government_id"
          ? { customerId, governmentId: { type: "drivers_license" as const, country: "US", frontImage: kycFile } }
          : document === "proof_of_address"
            ? { customerId, proofOfAddress: { type: "utility_bill" as const, file: kycFile } }
            : { customerId, socialSecurityCard: { file: kycFile } };
      // The answer carries the customer: the cache drops this document from kycDocumentsRequired by itself.
      await upload({ variables: { input } });
    } catch (caught) {
      setError(apiErrorOf(caught));
    }
  };
  return (
    <form onSubmit={submit} aria-label={`Upload ${document}`}>
      <Field label={DOCUMENT_LABEL[document]} name={fieldName} errors={error?.fields ?? {}}>
        <input
          type="file"
          name={document}
          accept=".jpg,.jpeg,.png,.heic,.pdf"
          onChange={(event) => setFile(event.target.files?.[0] ?? null)}
        />
      </Field>
      <ErrorBanner error={error} />
      <button type="submit" disabled={loading}>
        Upload
      </button>
    </form>
  );
}

/** The customer from the cache; the subscription writes each change into it, so this re-renders by itself. */
function LiveStatus({ customerId }: { customerId: string }) {
  const { data, error } = useQuery(WebCustomerDocument, { variables: { id: customerId } });
  const live = useSubscription(WebKycStatusDocument, { variables: { customerId } });
  const customer = data?.customer;
  if (error) return <ErrorBanner error={apiErrorOf(error)} />;
  if (!customer) return <p>Loading…</p>;
  return (
    <section aria-label="KYC status">
      <h2>
        Status: <span data-testid="kyc-status">{customer.kycStatus}</span>
      </h2>
      <p>{STATUS_TEXT[customer.kycStatus]}</p>
      <p style={{ color: "#666" }}>
        {customer.firstName} {customer.lastName} · customer <code data-testid="customer-id">{customer.id}</code> · live updates{" "}
        {live.error ? `interrupted (${apiErrorOf(live.error).code})` : "on"}
      </p>
      {customer.kycStatus === "REENTER_INFORMATION" && <p>Please check: {customer.kycIncorrectInformation.join(", ")}</p>}
      {customer.kycStatus === "FAILED" && customer.kycFailureReasons && (
        <p>
          Checks that failed:{" "}
          {Object.entries(customer.kycFailureReasons)
            .filter(([name, result]) => name !== "__typename" && result === "failed")
            .map(([name]) => name)
            .join(", ") || "none reported"}
        </p>
      )}
      {customer.kycStatus === "DOCUMENT_REQUIRED" && (
        <div>
          <h3>Documents we need</h3>
          {customer.kycDocumentsRequired.map((document) => (
            <UploadDocument key={document} customerId={customer.id} document={document} />
          ))}
        </div>
      )}
    </section>
  );
}

export function App() {
  const [customerId, setCustomerId] = useState<string | null>(() => new URLSearchParams(window.location.search).get("customer"));
  return (
    <main style={{ fontFamily: "system-ui", maxWidth: 760, margin: "2rem auto" }}>
      <h1>Open an account</h1>
      {customerId === null ? (
        <CreateCustomer onCreated={setCustomerId} />
      ) : (
        <>
          <LiveStatus customerId={customerId} />
          <SubmitKyc customerId={customerId} />
        </>
      )}
    </main>
  );
}
