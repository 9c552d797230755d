import { ApolloClient, ApolloLink, CombinedGraphQLErrors, HttpLink, InMemoryCache, ServerError } from "@apollo/client";
import { GraphQLWsLink } from "@apollo/client/link/subscriptions";
import { getMainDefinition } from "@apollo/client/utilities";
import { createClient } from "graphql-ws";

export interface Settings {
  /** The API's GraphQL URL (HTTP); the WebSocket URL is the same with ws(s)://. */
  apiUrl: string;
  /** A bearer token: in a real app, a customer token your backend issues at sign-in. */
  token: string | null;
}

/** `?api=…&token=…` in the page URL, else VITE_KYC_API_URL / VITE_KYC_TOKEN, else the local dev server. */
export function readSettings(): Settings {
  const params = new URLSearchParams(window.location.search);
  return {
    apiUrl: params.get("api") ?? import.meta.env.VITE_KYC_API_URL ?? "http://127.0.0.1:4000/graphql",
    token: params.get("token") ?? import.meta.env.VITE_KYC_TOKEN ?? null,
  };
}

/** Queries and mutations over HTTP, the live status over graphql-ws; one normalized cache. */
export function createApolloClient({ apiUrl, token }: Settings) {
  const authorization = `Bearer ${token}`;
  const http = new HttpLink({ uri: apiUrl, headers: { authorization } });
  const websocket = new GraphQLWsLink(
    createClient({
      url: apiUrl.replace(/^http/, "ws"),
      connectionParams: { authorization },
      // 4401/4403: the token is missing, wrong or expired — reconnecting with it would not help.
      shouldRetry: (event) =>
        !(typeof event === "object" && event !== null && "code" in event && (event.code === 4401 || event.code === 4403)),
      retryAttempts: 10,
    }),
  );
  const link = ApolloLink.split(
    ({ query }) => {
      const definition = getMainDefinition(query);
      return definition.kind === "OperationDefinition" && definition.operation === "subscription";
    },
    websocket,
    http,
  );
  return new ApolloClient({ link, cache: new InMemoryCache() });
}

/** The first error of a failed operation, as the API reports it (`extensions.code`, `extensions.fields`, …). */
export interface ApiError {
  code: string;
  message: string;
  fields: Record<string, string[]>;
  extensions: Record<string, unknown>;
}

function fromGraphQLError(error: { message: string; extensions?: Record<string, unknown> }): ApiError {
  const extensions = error.extensions ?? {};
  return {
    code: String(extensions.code ?? "UNKNOWN"),
    message: error.message,
    fields: (extensions.fields as Record<string, string[]> | undefined) ?? {},
    extensions,
  };
}

export function apiErrorOf(error: unknown): ApiError {
  if (CombinedGraphQLErrors.is(error) && error.errors.length > 0) return fromGraphQLError(error.errors[0]);
  // A non-2xx answer (401, 429, 503, …) still carries the GraphQL errors in its body.
  if (ServerError.is(error)) {
    try {
      const body = JSON.parse(error.bodyText) as { errors?: Array<{ message: string; extensions?: Record<string, unknown> }> };
      if (body.errors?.[0]) return fromGraphQLError(body.errors[0]);
    } catch {
      /* not JSON */
    }
    return { code: `HTTP_${error.statusCode}`, message: error.message, fields: {}, extensions: {} };
  }
  return { code: "NETWORK_ERROR", message: error instanceof Error ? error.message : String(error), fields: {}, extensions: {} };
}

/** What to tell the person for each code they can meet (BAD_USER_INPUT is shown next to the fields). */
export function describeError(error: ApiError): string {
  const x = error.extensions;
  switch (error.code) {
    case "BAD_USER_INPUT":
      return "Please correct the highlighted fields.";
    case "KYC_ALREADY_PASSED":
      return `Your identity is already verified${x.passedAt ? ` (since ${new Date(String(x.passedAt)).toLocaleString()})` : ""}. Nothing more to do.`;
    case "KYC_IN_PROGRESS":
      return `We are still checking your previous submission (${String(x.status ?? "in progress")}). Wait for the result below.`;
    case "CUSTOMER_LOCKED":
      return "Your details can no longer change: your identity is verified.";
    case "CUSTOMER_NOT_FOUND":
      return "We cannot find this customer. Please start again.";
    case "DOCUMENT_NOT_REQUIRED":
      return "This document is not needed (any more).";
    case "IDEMPOTENCY_KEY_IN_FLIGHT":
      return "This submission is still being sent. One moment…";
    case "IDEMPOTENCY_KEY_REUSED":
      return "This submission was already used with other details. Submit again.";
    case "UPSTREAM_UNAVAILABLE":
    case "SERVICE_UNAVAILABLE":
    case "NETWORK_ERROR":
      return "The verification service is unreachable right now. Your data is kept: try again in a moment.";
    case "UPSTREAM_REJECTED":
      return `The verification provider refused the request${x.bondCode ? ` (${String(x.bondCode)})` : ""}.`;
    case "RATE_LIMITED":
      return `Too many attempts. Try again in ${String(x.retryAfterSeconds ?? "a few")} seconds.`;
    case "UNAUTHENTICATED":
      return "Your session has expired. Sign in again.";
    case "FORBIDDEN":
      return "You cannot act for this customer.";
    default:
      return `Something went wrong (${error.code}). Please try again.`;
  }
}
