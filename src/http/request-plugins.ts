import type { ApolloServerPlugin, BaseContext, GraphQLRequestContext, GraphQLRequestListener } from "@apollo/server";

/** The request hooks our plugins use: the only ones a combined listener carries. */
const HOOKS = ["didResolveOperation", "willSendResponse"] as const;
type Hook = (typeof HOOKS)[number];
type AnyHook = (requestContext: GraphQLRequestContext<BaseContext>) => Promise<void>;

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
      const listeners: GraphQLRequestListener<TContext>[] = [];
      for (const plugin of plugins) {
        const listener = await plugin.requestDidStart?.(requestContext);
        if (!listener) continue;
        for (const key of Object.keys(listener))
          if (!(HOOKS as readonly string[]).includes(key)) throw new Error(`combinedRequestPlugin does not combine ${key}`);
        listeners.push(listener);
      }
      if (listeners.length <= 1) return listeners[0];
      const combined: Partial<Record<Hook, AnyHook>> = {};
      for (const hook of HOOKS) {
        const owners = (listeners as Array<Partial<Record<Hook, AnyHook>>>).filter((listener) => listener[hook] !== undefined);
        if (owners.length === 0) continue;
        combined[hook] = async (context) => {
          let failed = false;
          let failure: unknown;
          for (const listener of owners) {
            try {
              await listener[hook]!(context);
            } catch (error) {
              if (!failed) [failed, failure] = [true, error];
            }
          }
          if (failed) throw failure;
        };
      }
      return combined;
    },
  };
}
