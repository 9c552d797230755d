import type { TypedDocumentNode } from "@graphql-typed-document-node/core";
import { parse } from "graphql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CustomersDocument, KycEventsDocument, SubmitKycDocument, type CustomersQuery } from "../gql/graphql.js";
import { createCustomer, kycInput, PROGRAM_ID, unknownCustomerId, waitForKycStatus } from "../support/fixtures.js";
import { startTestApp, type TestApp } from "../support/test-app.js";

const OTHER_PROGRAM_ID = "72585109-8222-4221-b15b-48e87ffed790";

let app: TestApp;
/** Created oldest to newest. */
const created: string[] = [];
let failedId: string;
let otherProgramId: string;

beforeAll(async () => {
  app = await startTestApp();
  for (let index = 0; index < 5; index++) created.push(await createCustomer(app));
  failedId = created[1];
  otherProgramId = created[3];
  await app.graphql(SubmitKycDocument, { input: kycInput(failedId, { ssn: "000-00-0000" }) });
  await app.graphql(SubmitKycDocument, { input: kycInput(otherProgramId, { programId: OTHER_PROGRAM_ID }) });
  await waitForKycStatus(app, failedId, "UNDER_REVIEW");
  await fetch(`${app.bondApiUrl}/simulate/kyc-fail`, {
    method: "POST",
    headers: { "content-type": "application/json", Identity: "sandbox-identity", Authorization: "sandbox-authorization" },
    body: JSON.stringify({ customer_id: failedId }),
  });
  await waitForKycStatus(app, failedId, "FAILED");
  await waitForKycStatus(app, otherProgramId, "PASSED");
});
afterAll(async () => {
  await app?.close();
});

describe("customers (operators' list)", () => {
  it("pages through every customer, newest first, each exactly once", async () => {
    const seen: string[] = [];
    const times: number[] = [];
    let after: string | null | undefined = undefined;
    const pages: boolean[] = [];
    do {
      const result: { data?: CustomersQuery | null; errors?: unknown } = await app.graphql(CustomersDocument, { first: 2, after });
      expect(result.errors).toBeUndefined();
      const page: CustomersQuery["customers"] = result.data!.customers;
      seen.push(...page.edges.map((edge) => edge.node.id));
      times.push(...page.edges.map((edge) => Date.parse(edge.node.createdAt)));
      pages.push(page.pageInfo.hasNextPage);
      expect(page.pageInfo.endCursor).toBe(page.edges.at(-1)?.cursor ?? null);
      after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
    } while (after);
    // Each exactly once; newest first (customers created within the same millisecond are ordered by id).
    expect([...seen].sort()).toEqual([...created].sort());
    expect(times).toEqual([...times].sort((a, b) => b - a));
    expect(pages).toEqual([true, true, false]);
  });

  it("stays stable when customers are added between pages", async () => {
    const first = (await app.graphql(CustomersDocument, { first: 2 })).data!.customers;
    const newcomer = await createCustomer(app);
    const next = (await app.graphql(CustomersDocument, { first: 2, after: first.pageInfo.endCursor })).data!.customers;
    expect(next.edges.map((edge) => edge.node.id)).not.toContain(newcomer);
    expect(next.edges.map((edge) => edge.node.id)).not.toContain(first.edges[1].node.id);
  });

  it("filters by KYC status, program and creation time", async () => {
    const failed = (await app.graphql(CustomersDocument, { filter: { kycStatus: "FAILED" } })).data!.customers;
    expect(failed.edges.map((edge) => edge.node.id)).toEqual([failedId]);
    const program = (await app.graphql(CustomersDocument, { filter: { programId: OTHER_PROGRAM_ID } })).data!.customers;
    expect(program.edges.map((edge) => edge.node.id)).toEqual([otherProgramId]);
    const inDefaultProgram = (await app.graphql(CustomersDocument, { filter: { programId: PROGRAM_ID } })).data!.customers;
    expect(inDefaultProgram.edges.map((edge) => edge.node.id)).toEqual([failedId]);
    const pivot = (await app.graphql(CustomersDocument, { filter: {}, first: 100 })).data!.customers.edges.find(
      (edge) => edge.node.id === created[2],
    )!;
    const after = (await app.graphql(CustomersDocument, { filter: { createdAfter: pivot.node.createdAt }, first: 100 })).data!.customers;
    const ids = after.edges.map((edge) => edge.node.id);
    expect(ids).toEqual(expect.arrayContaining([created[4], created[3]]));
    expect(ids).not.toContain(created[2]);
    expect(ids).not.toContain(created[0]);
    const none = (await app.graphql(CustomersDocument, { filter: { kycStatus: "ERROR" } })).data!.customers;
    expect(none).toEqual({ edges: [], pageInfo: { hasNextPage: false, endCursor: null } });
  });

  it.each([
    ["first above 100", { first: 101 }, "first"],
    ["first below 1", { first: 0 }, "first"],
    ["a cursor it did not issue", { after: "bm90LWEtY3Vyc29y" }, "after"],
    [
      "a forged cursor with an impossible date",
      {
        after: Buffer.from(JSON.stringify(["2026-02-30 00:00:00.000000+00", "a5bcf5a8-c4e0-4025-8183-5346176ee3db"])).toString("base64url"),
      },
      "after",
    ],
  ])("refuses %s with BAD_USER_INPUT", async (_what, variables, field) => {
    const result = await app.graphql(CustomersDocument, variables);
    expect(result.data).toBeNull();
    expect(result.errors?.[0].extensions).toMatchObject({ code: "BAD_USER_INPUT", fields: { [field]: [expect.any(String)] } });
  });

  it("is for service tokens only", async () => {
    const result = await app.graphql(CustomersDocument, {}, await app.asCustomer(created[0]));
    expect(result.errors?.[0].extensions?.code).toBe("FORBIDDEN");
  });
});

describe("kycEvents (stored webhook history)", () => {
  it("lists a customer's webhooks oldest first, with what each did", async () => {
    const events = (await app.graphql(KycEventsDocument, { customerId: failedId })).data!.kycEvents;
    expect(events.map((event) => [event.event, event.outcome, event.statusAfter])).toEqual([
      ["kyc.submitted", "unchanged", "SUBMITTED"], // confirms what our accepted submission had already set
      ["kyc.verification.under_review", "changed", "UNDER_REVIEW"],
      ["kyc.verification.failure", "changed", "FAILED"],
    ]);
    expect(events[2].failureReasons).toEqual({ ofac: "passed", bureau: "failed", mobile: "passed", ip: "passed", email: "passed" });
    expect(events[0].occurredAt).toBeNull();
    expect(events[2].occurredAt).toBeTruthy();
  });

  it("shows no personal data, even when a webhook carries some", async () => {
    const customerId = created[0];
    const response = await app.postWebhook({
      event: "kyc.verification.reenter_information",
      customer_id: customerId,
      occurred_at: new Date().toISOString(),
      incorrect_information: ["phone", "555-867-5309"],
      phone: "555-867-5309",
      first_name: "Jane",
      nickname: "JJ-private",
    });
    expect(response.status).toBe(200);
    const result = await app.graphql(KycEventsDocument, { customerId });
    expect(result.data!.kycEvents.at(-1)).toMatchObject({ event: "kyc.verification.reenter_information", incorrectInformation: ["phone"] });
    expect(JSON.stringify(result)).not.toMatch(/867-5309|Jane|JJ-private/);
  });

  it("answers CUSTOMER_NOT_FOUND for an unknown customer and FORBIDDEN to customer tokens", async () => {
    expect((await app.graphql(KycEventsDocument, { customerId: unknownCustomerId() })).errors?.[0].extensions?.code).toBe(
      "CUSTOMER_NOT_FOUND",
    );
    expect(
      (await app.graphql(KycEventsDocument, { customerId: created[0] }, await app.asCustomer(created[0]))).errors?.[0].extensions?.code,
    ).toBe("FORBIDDEN");
  });
});

describe("the cost of a page", () => {
  it("counts what is asked per customer once per customer the page may hold", async () => {
    const heavy = parse("query { customers(first: 100) { edges { node { id kycAttempts { id status } } } } }") as TypedDocumentNode<
      unknown,
      Record<string, never>
    >;
    const result = await app.graphql(heavy, {});
    expect(result.errors?.[0].extensions?.code).toBe("QUERY_TOO_COMPLEX");
    const light = await app.graphql(CustomersDocument, { first: 100 });
    expect(light.errors).toBeUndefined();
  });
});
