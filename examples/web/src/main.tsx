import { ApolloProvider } from "@apollo/client/react";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { createApolloClient, readSettings } from "./apollo";
import { App } from "./App";
import { TokenPrompt } from "./TokenPrompt";

const settings = readSettings();
const root = createRoot(document.getElementById("root")!);
root.render(
  <StrictMode>
    {settings.token ? (
      <ApolloProvider client={createApolloClient(settings)}>
        <App />
      </ApolloProvider>
    ) : (
      <TokenPrompt apiUrl={settings.apiUrl} />
    )}
  </StrictMode>,
);
