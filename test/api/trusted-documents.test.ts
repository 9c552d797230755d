import { fileURLToPath } from "node:url";
import { print } from "graphql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.js";
import { loadTrustedDocuments } from "../../src/graphql/trusted-documents.js";
import { CustomerKycStatusDocument, KycStatusChangedDocument } from "../gql/graphql.js";
import { collect, startTestApp, type TestApp } from "../support/test-app.js";
import { createCustomer } from "../support/fixtures.js";

/** The manifest `npm run codegen` writes for test/operations (persistedDocuments: true in codegen.yml). */
const MANIFEST = fileURLToPath(new URL("../gql/persisted-documents.json", import.meta.url));
const hashOf = (document: unknown) => (document as { __meta__: { hash: string } }).__meta__.hash;
const UNLISTED = "query Unlisted { __typename }";

async function post(app: TestApp, body: unknown) {
  const response = await fetch(app.graphqlUrl, {
    method: "POST",
    headers: { "content-type": "application/json", ...(await app.asService()) },
    body: JSON.stringify(body),
  });
  return {
    status: response.status,
    body: (await response.json()) as { data?: any; errors?: Array<{ message: string; extensions?: { code?: string } }> },
  };
}

describe("TRUSTED_DOCUMENTS_MODE=enforce", () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ TRUSTED_DOCUMENTS: MANIFEST, TRUSTED_DOCUMENTS_MODE: "enforce" });
  });
  afterAll(async () => {
    await app?.close();
  });

  it("runs a listed document sent by id (documentId, Apollo's persistedQuery extension, GET) or as its text", async () => {
    const customerId = await createCustomer(app); // CreateCustomer is listed, sent as text
    const expected = { data: { customer: { id: customerId, kycStatus: "NOT_STARTED", kycStatusAt: null, kycDocumentsRequired: [] } } };
    const hash = hashOf(CustomerKycStatusDocument);
    expect(hash).toMatch(/^sha256:[0-9a-f]{64}$/);

    expect(await post(app, { documentId: hash, variables: { id: customerId } })).toEqual({ status: 200, body: expected });
    expect(
      await post(app, {
        extensions: { persistedQuery: { version: 1, sha256Hash: hash.slice("sha256:".length) } },
        variables: { id: customerId },
      }),
    ).toEqual({ status: 200, body: expected });
    // The text the client has (fields in its own order, its own spacing) matches the manifest's canonical form.
    expect(await post(app, { query: print(CustomerKycStatusDocument), variables: { id: customerId } })).toEqual({
      status: 200,
      body: expected,
    });
    // …and so does the text with the `__typename` selections Apollo Client and urql add before sending.
    const withTypename = print(CustomerKycStatusDocument).replace("kycStatus\n", "kycStatus\n    __typename\n");
    expect(withTypename).toContain("__typename");
    expect((await post(app, { query: withTypename, variables: { id: customerId } })).body.data.customer.__typename).toBe("Customer");

    const url = `${app.graphqlUrl}?documentId=${encodeURIComponent(hash)}&variables=${encodeURIComponent(JSON.stringify({ id: customerId }))}`;
    const get = await fetch(url, { headers: await app.asService() });
    expect(get.status).toBe(200);
    expect(await get.json()).toEqual(expected);
  });

  it("refuses any other document, by text or by id, over HTTP and WebSocket, before running it", async () => {
    const unlisted = await post(app, { query: UNLISTED });
    expect(unlisted.status).toBe(400);
    expect(unlisted.body.errors?.[0].extensions?.code).toBe("TRUSTED_DOCUMENT_REQUIRED");
    expect(unlisted.body.data).toBeUndefined();

    const unknownId = await post(app, { documentId: `sha256:${"0".repeat(64)}` });
    expect(unknownId.status).toBe(400);
    expect(unknownId.body.errors?.[0].extensions?.code).toBe("TRUSTED_DOCUMENT_NOT_FOUND");

    // A mutation not in the list changes nothing.
    const mutation = await post(app, {
      query: `mutation { createCustomer(input: { firstName: "Not", lastName: "Listed", dob: "1990-01-01" }) { id } }`,
    });
    expect(mutation.body.errors?.[0].extensions?.code).toBe("TRUSTED_DOCUMENT_REQUIRED");

    const customerId = await createCustomer(app);
    const client = app.websocketClient();
    const listed = collect(
      client.iterate({ query: print(KycStatusChangedDocument), variables: { customerId } }) as AsyncIterableIterator<any>,
    );
    const [first] = await listed.waitFor(1, 20_000);
    expect((first.data as any)?.kycStatusChanged.status).toBe("NOT_STARTED");
    await listed.stop();
    const refused = collect(
      client.iterate({ query: `subscription { kycStatusChanged(customerId: "${customerId}") { status } }` }) as AsyncIterableIterator<any>,
    );
    const error = await refused.done.then(
      () => "no error",
      (error: unknown) => error,
    );
    expect(JSON.stringify(error)).toContain("TRUSTED_DOCUMENT_REQUIRED");
  });
});

describe("TRUSTED_DOCUMENTS_MODE=allow-unknown (the default outside production)", () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ TRUSTED_DOCUMENTS: MANIFEST });
  });
  afterAll(async () => {
    await app?.close();
  });

  it("runs unlisted documents too, still serves listed ones by id, and still refuses an unknown id", async () => {
    expect(await post(app, { query: UNLISTED })).toEqual({ status: 200, body: { data: { __typename: "Query" } } });
    const customerId = await createCustomer(app);
    const byId = await post(app, { documentId: hashOf(CustomerKycStatusDocument), variables: { id: customerId } });
    expect(byId.body.data.customer.id).toBe(customerId);
    expect((await post(app, { documentId: `sha256:${"1".repeat(64)}` })).body.errors?.[0].extensions?.code).toBe(
      "TRUSTED_DOCUMENT_NOT_FOUND",
    );
  });

  it("defaults to enforce in production and stops the start on a bad manifest", async () => {
    const production = {
      NODE_ENV: "production",
      BOND_SANDBOX: "embedded",
      PII_KEY: Buffer.alloc(32, 1).toString("base64"),
      AUTH_JWT_SECRET: "x".repeat(32),
    };
    expect(loadConfig({ ...production, TRUSTED_DOCUMENTS: MANIFEST }).trustedDocuments).toEqual({
      manifestPath: MANIFEST,
      mode: "enforce",
    });
    expect(loadConfig({ AUTH_DEV_MODE: "true", TRUSTED_DOCUMENTS: MANIFEST }).trustedDocuments).toEqual({
      manifestPath: MANIFEST,
      mode: "allow-unknown",
    });
    expect(loadConfig({ AUTH_DEV_MODE: "true" }).trustedDocuments).toBeNull();
    expect(() => loadConfig({ AUTH_DEV_MODE: "true", TRUSTED_DOCUMENTS_MODE: "enforce" })).toThrow(
      /TRUSTED_DOCUMENTS_MODE is set but TRUSTED_DOCUMENTS/,
    );
    // createApp loads the manifest first, so a bad one stops the start before anything is opened.
    expect(() => loadTrustedDocuments("/nonexistent/persisted-documents.json", "enforce")).toThrow(/TRUSTED_DOCUMENTS: cannot read/);
  });
});

describe("Apollo's automatic persisted queries are off", () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(async () => {
    await app?.close();
  });

  it("does not let a client register a document by its hash", async () => {
    const registered = await post(app, { query: UNLISTED, extensions: { persistedQuery: { version: 1, sha256Hash: "a".repeat(64) } } });
    expect(registered.body.errors?.[0].extensions?.code).toBe("PERSISTED_QUERY_NOT_SUPPORTED");
  });
});
