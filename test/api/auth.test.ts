import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { print } from "graphql";
import { exportJWK, generateKeyPair, SignJWT } from "jose";
import WebSocket from "ws";
import { eq } from "drizzle-orm";
import { kycAttempts } from "../../src/db/schema.js";
import { signToken } from "../../src/auth/token-verifier.js";
import {
  CreateCustomerDocument,
  CustomerDocument,
  KycStatusChangedDocument,
  SubmitKycDocument,
  UpdateCustomerDocument,
} from "../gql/graphql.js";
import { collect, startTestApp, TEST_JWT_SECRET, type TestApp } from "../support/test-app.js";
import { createCustomer, kycInput, newCustomerInput, unknownCustomerId } from "../support/fixtures.js";

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => {
  await app?.close();
});

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const sign = (
  claims: { sub: string; scope?: string },
  options: { secret?: string; issuer?: string; audience?: string; expiresIn?: number } = {},
) =>
  signToken(
    { secret: options.secret ?? TEST_JWT_SECRET, issuer: options.issuer ?? "kyc-graphql", audience: options.audience ?? "kyc-graphql" },
    claims,
    options.expiresIn ?? 600,
    app.now(),
  );

/** Opens a raw graphql-transport-ws socket, sends connection_init with `payload`, and resolves with how it ended. */
function rawConnection(
  payload: unknown,
  url = app.websocketUrl,
): Promise<{ acked: boolean; closeCode: number; closeReason: string; socket: WebSocket }> {
  return new Promise((resolve) => {
    const socket = new WebSocket(url, "graphql-transport-ws");
    let acked = false;
    socket.on("open", () => payload !== undefined && socket.send(JSON.stringify({ type: "connection_init", payload })));
    socket.on("message", (data) => {
      if (JSON.parse((data as Buffer).toString()).type === "connection_ack") {
        acked = true;
        resolve({ acked, closeCode: 0, closeReason: "", socket });
      }
    });
    socket.on("close", (code, reason) => resolve({ acked, closeCode: code, closeReason: String(reason), socket }));
  });
}

/** The first thing a kycStatusChanged subscription yields: a result (`next`) or a list of errors (`error`), as `{ data?, errors }`. */
function firstOutcome(client: ReturnType<TestApp["websocketClient"]>, customerId: string): Promise<unknown> {
  return new Promise((resolve) => {
    const stop = client.subscribe(
      { query: print(KycStatusChangedDocument), variables: { customerId } },
      {
        next: (result) => {
          resolve(result);
          stop();
        },
        error: (errors) => resolve(Array.isArray(errors) ? { errors } : { closed: errors }),
        complete: () => resolve("completed without a message"),
      },
    );
  });
}

describe("GraphQL over HTTP without valid credentials", () => {
  const cases: Array<[string, () => Promise<Record<string, string>>]> = [
    ["no token", async () => ({ authorization: "" })],
    ["not a bearer value", async () => ({ authorization: "Basic dXNlcjpwYXNz" })],
    ["a token that is not a JWT", async () => bearer("not.a.jwt")],
    [
      "a token signed with another secret",
      async () => bearer(await sign({ sub: "svc", scope: "kyc:service" }, { secret: "another-secret-another-secret-another" })),
    ],
    ["an expired token", async () => bearer(await sign({ sub: "svc", scope: "kyc:service" }, { expiresIn: -60 }))],
    ["a token from another issuer", async () => bearer(await sign({ sub: "svc", scope: "kyc:service" }, { issuer: "someone-else" }))],
    ["a token for another audience", async () => bearer(await sign({ sub: "svc", scope: "kyc:service" }, { audience: "another-api" }))],
    [
      "an unsigned token (alg none)",
      async () =>
        bearer(
          `${Buffer.from('{"alg":"none","typ":"JWT"}').toString("base64url")}.${Buffer.from(JSON.stringify({ sub: "svc", scope: "kyc:service", iss: "kyc-graphql", aud: "kyc-graphql", exp: 4102444800 })).toString("base64url")}.`,
        ),
    ],
    ["a token with neither a service scope nor a customer id", async () => bearer(await sign({ sub: "somebody" }))],
  ];
  it.each(cases)("refuses %s with 401 UNAUTHENTICATED and touches nothing", async (_name, headers) => {
    const before = await app.database.db.$count(kycAttempts);
    const customerId = unknownCustomerId();
    const result = await app.graphql(SubmitKycDocument, { input: kycInput(customerId) }, await headers());
    expect(result.status).toBe(401);
    expect(result.errors?.[0].extensions?.code).toBe("UNAUTHENTICATED");
    expect(result.data).toBeUndefined();
    expect(await app.database.db.$count(kycAttempts)).toBe(before);
  });

  it("refuses introspection too", async () => {
    const response = await fetch(app.graphqlUrl, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query: "{ __schema { queryType { name } } }" }),
    });
    expect(response.status).toBe(401);
  });
});

describe("a customer token", () => {
  it("reads its own customer, submits its own KYC and watches its own status", async () => {
    const customerId = await createCustomer(app);
    const own = await app.asCustomer(customerId);
    expect((await app.graphql(CustomerDocument, { id: customerId }, own)).data?.customer?.id).toBe(customerId);
    const submitted = await app.graphql(SubmitKycDocument, { input: kycInput(customerId) }, own);
    expect(submitted.errors).toBeUndefined();
    expect(submitted.data?.submitKyc.customerId).toBe(customerId);
    const client = app.websocketClient({ token: await app.customerToken(customerId) });
    const messages = collect(
      client.iterate({ query: print(KycStatusChangedDocument), variables: { customerId } }) as AsyncIterableIterator<any>,
    );
    const [first] = (await messages.waitFor(1)) as any[];
    expect(first.data?.kycStatusChanged.customerId).toBe(customerId);
    await messages.stop();
  });

  it("is FORBIDDEN from another customer's record, the same whether that customer exists or not", async () => {
    const mine = await createCustomer(app);
    const theirs = await createCustomer(app);
    const headers = await app.asCustomer(mine);
    const existing = await app.graphql(CustomerDocument, { id: theirs }, headers);
    const missing = await app.graphql(CustomerDocument, { id: unknownCustomerId() }, headers);
    for (const result of [existing, missing]) {
      expect(result.data?.customer).toBeNull();
      expect(result.errors?.map((error) => [error.extensions?.code, error.message])).toEqual([
        ["FORBIDDEN", "This token may only access its own customer record."],
      ]);
    }
    expect(JSON.stringify(existing)).not.toContain("Jane");
  });

  it("cannot submit KYC for, or change, another customer; nothing is stored or sent", async () => {
    const mine = await createCustomer(app);
    const theirs = await createCustomer(app);
    const headers = await app.asCustomer(mine);
    const submit = await app.graphql(SubmitKycDocument, { input: kycInput(theirs) }, headers);
    expect(submit.errors?.[0].extensions?.code).toBe("FORBIDDEN");
    expect(await app.database.db.select().from(kycAttempts).where(eq(kycAttempts.customerId, theirs))).toHaveLength(0);
    expect(app.bondSandbox!.kycSubmissionCount(theirs)).toBe(0);
    const update = await app.graphql(UpdateCustomerDocument, { id: theirs, input: { email: "mallory@example.com" } }, headers);
    expect(update.errors?.[0].extensions?.code).toBe("FORBIDDEN");
    const stored = await app.graphql(CustomerDocument, { id: theirs });
    expect(stored.data?.customer?.firstName).toBe("Jane");
  });

  it("cannot create customers (service tokens only)", async () => {
    const customerId = await createCustomer(app);
    const result = await app.graphql(CreateCustomerDocument, { input: newCustomerInput() }, await app.asCustomer(customerId));
    expect(result.errors?.[0].extensions?.code).toBe("FORBIDDEN");
    expect(result.data).toBeNull();
  });

  it("cannot subscribe to another customer's status: FORBIDDEN on that subscription, the connection stays usable", async () => {
    const mine = await createCustomer(app);
    const theirs = await createCustomer(app);
    // Not lazy: the one socket stays open after the refusal, which is what this test is about.
    const client = app.websocketClient({ token: await app.customerToken(mine), lazy: false });
    const denied = await firstOutcome(client, theirs);
    expect(denied).toEqual({ errors: [expect.objectContaining({ extensions: { code: "FORBIDDEN" } })] });
    const allowed = collect(
      client.iterate({ query: print(KycStatusChangedDocument), variables: { customerId: mine } }) as AsyncIterableIterator<any>,
    );
    expect(((await allowed.waitFor(1))[0] as any).data?.kycStatusChanged.customerId).toBe(mine);
    await allowed.stop();
  });
});

describe("GraphQL over WebSocket", () => {
  it("closes a connection without a token (4401) or with a bad one (4401) before acknowledging it", async () => {
    for (const payload of [
      {},
      { authorization: "Bearer nope" },
      { authorization: `Bearer ${await sign({ sub: "svc", scope: "kyc:service" }, { expiresIn: -10 })}` },
    ]) {
      const outcome = await rawConnection(payload);
      expect(outcome.acked).toBe(false);
      expect(outcome.closeCode).toBe(4401);
    }
  });

  it("closes the socket with 4403 when the token expires, and stops delivery", async () => {
    const customerId = await createCustomer(app);
    const token = await sign({ sub: customerId }, { expiresIn: 2 });
    const outcome = await rawConnection({ authorization: `Bearer ${token}` });
    expect(outcome.acked).toBe(true);
    const closed = await new Promise<number>((resolve) => outcome.socket.on("close", (code) => resolve(code)));
    expect(closed).toBe(4403);
  });

  it("closes a connection that never sends connection_init (timeout, 4408)", async () => {
    const quick = await startTestApp({ WS_CONNECTION_INIT_TIMEOUT_MS: "300" });
    try {
      const started = Date.now();
      const outcome = await rawConnection(undefined, quick.websocketUrl);
      expect(outcome.closeCode).toBe(4408);
      expect(Date.now() - started).toBeLessThan(5_000);
    } finally {
      await quick.close();
    }
  });

  it("caps the operations running on one connection", async () => {
    const capped = await startTestApp({ WS_MAX_SUBSCRIPTIONS_PER_CONNECTION: "2" });
    try {
      const customerId = await createCustomer(capped);
      const client = capped.websocketClient();
      const first = collect(
        client.iterate({ query: print(KycStatusChangedDocument), variables: { customerId } }) as AsyncIterableIterator<any>,
      );
      const second = collect(
        client.iterate({ query: print(KycStatusChangedDocument), variables: { customerId } }) as AsyncIterableIterator<any>,
      );
      await first.waitFor(1);
      await second.waitFor(1);
      const third = await firstOutcome(client, customerId);
      expect(third).toEqual({ errors: [expect.objectContaining({ extensions: { code: "TOO_MANY_SUBSCRIPTIONS" } })] });
      await first.stop();
      await second.stop();
    } finally {
      await capped.close();
    }
  });
});

describe("tokens from an identity provider's JWKS", () => {
  let jwksServer: Server;
  let idp: TestApp;
  let privateKey: Awaited<ReturnType<typeof generateKeyPair>>["privateKey"];
  beforeAll(async () => {
    const pair = await generateKeyPair("RS256", { extractable: true });
    privateKey = pair.privateKey;
    const jwk = { ...(await exportJWK(pair.publicKey)), kid: "test-key", alg: "RS256", use: "sig" };
    jwksServer = createServer((_request, response) => {
      response.setHeader("content-type", "application/json");
      response.end(JSON.stringify({ keys: [jwk] }));
    });
    await new Promise<void>((resolve) => jwksServer.listen(0, "127.0.0.1", resolve));
    const port = (jwksServer.address() as AddressInfo).port;
    idp = await startTestApp({
      AUTH_JWT_SECRET: "",
      AUTH_JWKS_URL: `http://127.0.0.1:${port}/.well-known/jwks.json`,
      AUTH_ISSUER: "https://id.example",
      AUTH_AUDIENCE: "kyc-api",
    });
  });
  afterAll(async () => {
    await idp?.close();
    await new Promise((resolve) => jwksServer?.close(resolve));
  });
  const rs256 = (claims: Record<string, unknown>, issuer = "https://id.example") =>
    new SignJWT(claims)
      .setProtectedHeader({ alg: "RS256", kid: "test-key" })
      .setIssuer(issuer)
      .setAudience("kyc-api")
      .setIssuedAt()
      .setExpirationTime("5m")
      .sign(privateKey);

  it("accepts an RS256 token the provider signed, with its scope", async () => {
    const result = await idp.graphql(
      CreateCustomerDocument,
      { input: newCustomerInput() },
      bearer(await rs256({ sub: "backoffice", scope: "openid kyc:service" })),
    );
    expect(result.errors).toBeUndefined();
    expect(result.data?.createCustomer.id).toBeTruthy();
  });

  it("refuses an HS256 token (no shared secret is trusted) and a token from another issuer", async () => {
    const hs256 = await signToken(
      { secret: TEST_JWT_SECRET, issuer: "https://id.example", audience: "kyc-api" },
      { sub: "x", scope: "kyc:service" },
      300,
    );
    for (const token of [hs256, await rs256({ sub: "backoffice", scope: "kyc:service" }, "https://evil.example")]) {
      const result = await idp.graphql(CustomerDocument, { id: unknownCustomerId() }, bearer(token));
      expect(result.errors?.[0].extensions?.code).toBe("UNAUTHENTICATED");
    }
  });
});

describe("explicit development mode", () => {
  it("signs its own tokens, issues a service token that works, and puts it in GraphiQL's headers editor", async () => {
    const dev = await startTestApp({ AUTH_JWT_SECRET: "", AUTH_DEV_MODE: "true" });
    try {
      expect(dev.devServiceToken).toMatch(/^ey/);
      const ok = await dev.graphql(CreateCustomerDocument, { input: newCustomerInput() }, bearer(dev.devServiceToken!));
      expect(ok.errors).toBeUndefined();
      // Our test secret means nothing to it: it trusts only the secret it generated.
      const foreign = await dev.graphql(
        CustomerDocument,
        { id: unknownCustomerId() },
        bearer(await sign({ sub: "svc", scope: "kyc:service" })),
      );
      expect(foreign.errors?.[0].extensions?.code).toBe("UNAUTHENTICATED");
      const page = await (await fetch(dev.graphqlUrl, { headers: { accept: "text/html" } })).text();
      expect(page).toContain(dev.devServiceToken);
    } finally {
      await dev.close();
    }
  });

  it("is not what a configured server does: no token is printed or embedded", async () => {
    expect(app.devServiceToken).toBeNull();
    const page = await (await fetch(app.graphqlUrl, { headers: { accept: "text/html" } })).text();
    expect(page).not.toContain("Bearer");
  });
});
