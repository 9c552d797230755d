import { useState } from "react";

/** Without a token there is nothing to call: explain where a local one comes from. */
export function TokenPrompt({ apiUrl }: { apiUrl: string }) {
  const [token, setToken] = useState("");
  return (
    <main style={{ fontFamily: "system-ui", maxWidth: 640, margin: "2rem auto" }}>
      <h1>KYC example</h1>
      <p>
        This page needs a token for <code>{apiUrl}</code>. Locally: <code>npm run -s token -- --service</code> (a real app gets a customer
        token from its own backend at sign-in).
      </p>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          const url = new URL(window.location.href);
          url.searchParams.set("token", token.trim());
          window.location.assign(url);
        }}
      >
        <input aria-label="Token" value={token} onChange={(event) => setToken(event.target.value)} style={{ width: "100%" }} />
        <button type="submit">Use this token</button>
      </form>
    </main>
  );
}
