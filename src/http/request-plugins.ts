import type { ApolloServerPlugin, BaseContext, GraphQLRequestContext } from "@apollo/server";

/** The request hooks our plugins use: the only ones a combined listener carries. */
const HOOKS = ["didResolveOperation", "willSendResponse"] as const;
type Hook = (typeof HOOKS)[number];
type Listener = Partial<Record<Hook, (requestContext: GraphQLRequestContext<BaseContext>) => Promise<void>>>;

/**
 * Several plugins' per-request hooks as one plugin with one listener. Apollo calls every plugin's
 * `requestDidStart` and then, at each stage of a request (source, parsing, validation, operation, execution,
 * response, …), awaits every listener through Promise.all: each listener costs about ten promises a request
 * whether or not it has a hook there (counted with async_hooks; each promise is also a call of the
 * AsyncLocalStorage hooks). The combined listener has only the hooks some plugin's listener has; it runs them
 * in the plugins' order, all of them even when one throws (as Promise.all would), and rethrows the first error.
 * The plugins may have `requestDidStart` only, and their listeners only the hooks in HOOKS (checked).
 */
export function combinedRequestPlugin<TContext extends BaseContext>(plugins: ApolloServerPlugin<TContext>[]): ApolloServerPlugin<TContext> {
  for (const plugin of plugins) {
    const others = Object.keys(plugin).filter((key) => key !== "requestDidStart");
    if (others.length > 0) throw new Error(`combinedRequestPlugin takes request hooks only, not ${others.join(", ")}`);
  }
  return {
    async requestDidStart(requestContext) {
      const listeners: Listener[] = [];
      for (const plugin of plugins) {
        const listener = await plugin.requestDidStart?.(requestContext);
        if (!listener) continue;
        for (const key in listener) if (!isHook(key)) throw new Error(`combinedRequestPlugin does not combine ${key}`);
        listeners.push(listener as Listener);
      }
      if (listeners.length <= 1) return listeners[0];
      const combined: Listener = {};
      for (const hook of HOOKS)
        if (listeners.some((listener) => listener[hook] !== undefined)) combined[hook] = (context) => runAll(listeners, hook, context);
      return combined;
    },
  };
}

const isHook = (key: string): key is Hook => key === "didResolveOperation" || key === "willSendResponse";

/** Each listener's `hook`, in order, all of them; then the first error, if any. */
async function runAll(listeners: Listener[], hook: Hook, context: GraphQLRequestContext<BaseContext>): Promise<void> {
  let failed = false;
  let failure: unknown;
  for (const listener of listeners) {
    if (listener[hook] === undefined) continue;
    try {
      await listener[hook](context);
    } catch (error) {
      if (!failed) [failed, failure] = [true, error];
    }
  }
  if (failed) throw failure;
}
