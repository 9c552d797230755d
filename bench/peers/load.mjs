// The load generator, in a process of its own so its CPU is not the servers' nor run.mjs's: reads
// { url, connections, durationSeconds, token, query, ids, expectedData } as JSON on stdin, runs
// autocannon against `${url}/graphql`, prints one JSON line with the result. Every response body is
// checked: a body whose `data` is not `expectedData` counts as a mismatch.
import autocannon from "autocannon";

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const { url, connections, durationSeconds, token, query, ids, expectedData } = JSON.parse(Buffer.concat(chunks).toString("utf8"));
const expected = JSON.stringify(expectedData);
const expectedBytes = `"data":${expected}`;

/** A cheap byte check first; parse only when the bytes differ (e.g. another key order). */
function answersExpected(body) {
  if (body.includes(expectedBytes)) return true;
  try {
    return JSON.stringify(JSON.parse(body).data) === expected;
  } catch {
    return false;
  }
}

let next = 0;
const result = await autocannon({
  url: `${url}/graphql`,
  connections,
  duration: durationSeconds,
  method: "POST",
  headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
  requests: [{ setupRequest: (request) => ({ ...request, body: JSON.stringify({ query, variables: { id: ids[next++ % ids.length] } }) }) }],
  verifyBody: answersExpected,
});

console.log(
  JSON.stringify({
    requests2xx: result["2xx"],
    requestsPerSecond: result.requests.average,
    p50ms: result.latency.p50,
    p99ms: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    mismatches: result.mismatches,
  }),
);
