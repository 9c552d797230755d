/**
 * An example client of kyc-graphql, written as a frontend or back-office app would: typed documents generated
 * by GraphQL Code Generator (examples/operations → examples/gql), queries and mutations over HTTP, and the
 * kycStatusChanged subscription over graphql-ws with reconnection.
 *
 * It creates a customer, subscribes to their KYC status (the current status comes first), submits KYC, drops its
 * own connection once to show that graphql-ws reconnects and re-subscribes, resuming from the last version it
 * saw (`afterVersion`: the changes made while it was away arrive first, each once, in order), and prints each
 * status change until the outcome.
 *
 *   npm start                                   # prints a development service token (AUTH_DEV_MODE)
 *   KYC_TOKEN=<token> npm run example           # in another terminal
 *
 * Settings (environment): KYC_API_URL (default http://127.0.0.1:4000/graphql), KYC_TOKEN (a service token:
 * creating customers is a service operation), KYC_SSN (default 123-45-6789; the sandbox's test SSNs choose
 * other outcomes, see the README), KYC_SIMULATE_DROP (default 1; 0 = do not drop the connection),
 * KYC_TIMEOUT_MS (default 60000).
 *
 * TypeScript run by tsx (a dev dependency), so the typed documents are used as they would be in an app.
 */
import type { TypedDocumentNode } from "@graphql-typed-document-node/core";
import { print, type ExecutionResult } from "graphql";
import { createClient } from "graphql-ws";
import WebSocket from "ws";
import {
  ExampleCreateCustomerDocument,
  ExampleCustomerDocument,
  ExampleKycStatusDocument,
  ExampleSubmitKycDocument,
  type ExampleKycStatusSubscription,
  type ExampleKycStatusSubscriptionVariables,
  type KycStatus,
} from "./gql/graphql.js";

const apiUrl = process.env.KYC_API_URL || "http://127.0.0.1:4000/graphql";
const websocketUrl = apiUrl.replace(/^http/, "ws");
const token = process.env.KYC_TOKEN;
const ssn = process.env.KYC_SSN || "123-45-6789";
const simulateDrop = process.env.KYC_SIMULATE_DROP !== "0";
const timeoutMs = Number(process.env.KYC_TIMEOUT_MS || 60_000);

/** Statuses Bond is still working on; any other one is where this flow stops. */
const IN_PROGRESS: KycStatus[] = ["NOT_STARTED", "SUBMITTED", "UNDER_REVIEW"];

function say(line: string) {
  console.log(`[${new Date().toISOString().slice(11, 23)}] ${line}`);
}

class ApiError extends Error {}

/** One query or mutation over HTTP, typed by its generated document. */
async function request<TResult, TVariables>(document: TypedDocumentNode<TResult, TVariables>, variables: TVariables): Promise<TResult> {
  const response = await fetch(apiUrl, {
    method: "POST",
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query: print(document), variables }),
  });
  const result = (await response.json()) as ExecutionResult<TResult>;
  if (result.errors?.length || !result.data) {
    const [first] = result.errors ?? [];
    const code = typeof first?.extensions?.code === "string" ? first.extensions.code : `HTTP ${response.status}`;
    throw new ApiError(`${code}: ${first?.message ?? "no data"}`);
  }
  return result.data;
}

async function main(): Promise<number> {
  if (!token) say("KYC_TOKEN is not set: the API will refuse the requests (npm start prints a development service token).");

  const { createCustomer } = await request(ExampleCreateCustomerDocument, {
    input: {
      firstName: "Jane",
      lastName: "Doe",
      dob: "1990-05-17",
      email: "jane@example.com",
      phone: "555-111-2222",
      phoneCountryCode: "1",
      addresses: [{ addressType: "PHYSICAL", street: "1 Main St", city: "Austin", state: "TX", zipCode: "78701", isPrimary: true }],
    },
  });
  const customerId = createCustomer.id;
  say(`created customer ${customerId} (kycStatus ${createCustomer.kycStatus})`);

  let connections = 0;
  // graphql-ws re-sends this very object when it re-subscribes after a reconnect, so keeping the last version
  // seen in it makes the re-subscription a resume: the server replays what changed meanwhile, then goes live.
  const variables: ExampleKycStatusSubscriptionVariables = { customerId, afterVersion: null };
  const client = createClient({
    url: websocketUrl,
    webSocketImpl: WebSocket,
    // Read at each (re)connection, so a refreshed token would be used after a reconnect.
    connectionParams: () => (token ? { authorization: `Bearer ${token}` } : {}),
    // Reconnect on any dropped connection (graphql-ws never retries fatal closes such as 4401 Unauthorized);
    // running subscriptions are re-subscribed on the new connection by graphql-ws itself.
    retryAttempts: 10,
    shouldRetry: () => true,
    retryWait: async (retries) => {
      const delay = Math.min(250 * 2 ** retries, 5_000) + Math.floor(Math.random() * 100);
      say(`reconnecting in ${delay} ms (attempt ${retries + 1})`);
      await new Promise((resolve) => setTimeout(resolve, delay));
    },
    on: {
      connected: (_socket, _payload, wasRetry) => {
        connections += 1;
        say(
          wasRetry
            ? `reconnected (connection ${connections}); graphql-ws re-subscribes after version ${variables.afterVersion ?? "none"}`
            : `connected over WebSocket (${websocketUrl})`,
        );
      },
      closed: (event) => {
        const close = event as { code?: number; reason?: string };
        if (close.code && close.code !== 1000) say(`connection closed (${close.code}${close.reason ? `: ${close.reason}` : ""})`);
      },
    },
  });

  let dropped = false;
  let submitted = false;
  const outcome = await new Promise<KycStatus>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no outcome within ${timeoutMs} ms`)), timeoutMs);
    const submit = () => {
      submitted = true;
      request(ExampleSubmitKycDocument, {
        input: {
          customerId,
          programId: "b50063df-0b39-43f7-9458-25b08a75d42a",
          ssn,
          phone: "555-555-5555",
          phoneCountryCode: "1",
          email: "jane@example.com",
          ip: "127.1.1.1",
          // Safe to send again after a network error: the same key returns the same attempt.
          idempotencyKey: `example-${customerId}`,
        },
      }).then(
        ({ submitKyc }) => say(`submitted KYC: attempt ${submitKyc.id} ${submitKyc.status} (ssn …${submitKyc.ssnLastFour})`),
        (error: unknown) => reject(error),
      );
    };
    client.subscribe<ExampleKycStatusSubscription>(
      { query: print(ExampleKycStatusDocument), variables },
      {
        next: ({ data, errors }) => {
          if (errors?.length || !data) return reject(new ApiError(`subscription: ${errors?.[0]?.message ?? "no data"}`));
          const change = data.kycStatusChanged;
          const what =
            change.previousStatus === null
              ? "current status"
              : `${change.previousStatus} → ${change.status}${change.event ? ` (${change.event})` : ""}`;
          variables.afterVersion = change.version;
          say(`status ${change.status} v${change.version}: ${what}`);
          if (!IN_PROGRESS.includes(change.status)) {
            clearTimeout(timer);
            return resolve(change.status);
          }
          if (!submitted) return submit();
          if (simulateDrop && !dropped) {
            dropped = true;
            say("simulating a dropped connection (client.terminate())");
            client.terminate();
          }
        },
        error: (error) => reject(error instanceof Error ? error : new Error(`subscription ended: ${JSON.stringify(error)}`)),
        complete: () => reject(new Error("the subscription ended before an outcome")),
      },
    );
  }).finally(() => client.dispose());

  const { customer } = await request(ExampleCustomerDocument, { id: customerId });
  say(
    `outcome: ${outcome}; customer now ${customer?.kycStatus}${customer?.kycPassedAt ? ` (passed at ${customer.kycPassedAt})` : ""}${customer?.kycDocumentsRequired.length ? `, documents required: ${customer.kycDocumentsRequired.join(", ")}` : ""}`,
  );
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`example failed: ${error instanceof Error ? error.message : JSON.stringify(error)}`);
    process.exit(1);
  },
);
