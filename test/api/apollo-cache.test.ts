import { ApolloClient, ApolloLink, HttpLink, InMemoryCache } from "@apollo/client";
import { GraphQLWsLink } from "@apollo/client/link/subscriptions";
import { getMainDefinition } from "@apollo/client/utilities";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CustomerKycStatusDocument, KycStatusWithCustomerDocument, SubmitKycDocument } from "../gql/graphql.js";
import { createCustomer, eventually, kycInput } from "../support/fixtures.js";
import { startTestApp, type TestApp } from "../support/test-app.js";

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => {
  await app?.close();
});

/** A frontend's Apollo Client 4: queries over HTTP, subscriptions over graphql-ws, one normalized cache; counts its HTTP requests. */
async function frontendClient(customerId: string) {
  const token = await app.customerToken(customerId);
  let httpRequests = 0;
  const http = new HttpLink({
    uri: app.graphqlUrl,
    headers: { authorization: `Bearer ${token}` },
    fetch: (input, init) => {
      httpRequests++;
      return fetch(input, init);
    },
  });
  const websocket = new GraphQLWsLink(app.websocketClient({ token }));
  const link = ApolloLink.split(
    ({ query }) => {
      const definition = getMainDefinition(query);
      return definition.kind === "OperationDefinition" && definition.operation === "subscription";
    },
    websocket,
    http,
  );
  const client = new ApolloClient({ link, cache: new InMemoryCache() });
  return { client, httpRequests: () => httpRequests };
}

describe("kycStatusChanged carries the customer, so Apollo's InMemoryCache updates Customer.kycStatus by itself", () => {
  it("moves a watched customer query from NOT_STARTED to PASSED without refetching", async () => {
    const customerId = await createCustomer(app);
    const { client, httpRequests } = await frontendClient(customerId);

    // The screen: a watched query of the customer, answered once over HTTP.
    const seen: string[] = [];
    const watched = client.watchQuery({ query: CustomerKycStatusDocument, variables: { id: customerId } }).subscribe((result) => {
      const status = result.data?.customer?.kycStatus;
      if (status && seen.at(-1) !== status) seen.push(status);
    });
    await eventually(async () => seen.length > 0);
    expect(seen).toEqual(["NOT_STARTED"]);

    // The live status, through a real graphql-ws client; Apollo writes each message into the cache.
    const messages: Array<{ status: string; version: number }> = [];
    const subscription = client.subscribe({ query: KycStatusWithCustomerDocument, variables: { customerId } }).subscribe((result) => {
      if (result.data) messages.push({ status: result.data.kycStatusChanged.status, version: result.data.kycStatusChanged.version });
    });
    await eventually(async () => messages.length > 0, 20_000);

    const submitted = await app.graphql(SubmitKycDocument, { input: kycInput(customerId) });
    expect(submitted.errors).toBeUndefined();
    await eventually(async () => seen.includes("PASSED"), 30_000);

    // Each message brings the customer as stored when it is sent, so SUBMITTED may already read PASSED.
    expect(seen[0]).toBe("NOT_STARTED");
    expect(seen.at(-1)).toBe("PASSED");
    const cached = client.readQuery({ query: CustomerKycStatusDocument, variables: { id: customerId } });
    expect(cached?.customer).toMatchObject({ id: customerId, kycStatus: "PASSED" });
    expect(cached?.customer?.kycStatusAt).toBeTruthy();
    // The normalized entry itself, keyed by the customer's id.
    expect((client.cache.extract() as Record<string, unknown>)[`Customer:${customerId}`]).toMatchObject({ kycStatus: "PASSED" });
    expect(messages.map((message) => message.status)).toEqual(["NOT_STARTED", "SUBMITTED", "PASSED"]);
    // Only the first query went over HTTP: the update came from the subscription, not a refetch.
    expect(httpRequests()).toBe(1);

    subscription.unsubscribe();
    watched.unsubscribe();
    client.stop();
  });
});
