import { sql, type SQL } from "drizzle-orm";
import type { Transaction } from "./database.js";
import { pipelinedClient } from "./pipelined-transaction.js";

/**
 * A statement written out by hand (the hot path's CTEs): its text and its values, as a tagged template. A value
 * that is a Statement is spliced in; an array is a list, `($1, $2, …)`, as in drizzle's `sql`. On Postgres,
 * inside a pipelined transaction, it goes to postgres.js as text and parameters: none of drizzle's per-chunk work
 * (building, `is()` checks, tracing), which was a tenth of the webhook's CPU. Elsewhere (PGlite) it becomes
 * drizzle's `sql` with the same pieces.
 */
export class Statement {
  constructor(
    readonly strings: readonly string[],
    readonly values: readonly unknown[],
  ) {}
}

export function statement(strings: TemplateStringsArray, ...values: unknown[]): Statement {
  return new Statement(strings, values);
}

/** `parts` joined by `separator`, as one statement. */
export function joined(parts: Statement[], separator: string): Statement {
  const strings = ["", ...parts.slice(1).map(() => separator), ""];
  return new Statement(strings, parts);
}

/** The statement with every nested one spliced in: strings.length === values.length + 1, no value a Statement. */
function flatten(root: Statement): { strings: string[]; values: unknown[] } {
  const strings: string[] = [""];
  const values: unknown[] = [];
  const walk = (node: Statement) => {
    node.strings.forEach((text, index) => {
      strings[strings.length - 1] += text;
      if (index >= node.values.length) return;
      const value = node.values[index];
      if (value instanceof Statement) return walk(value);
      values.push(value);
      strings.push("");
    });
  };
  walk(root);
  return { strings, values };
}

/** Text with `$1…` placeholders and the parameters, arrays expanded to lists. */
function compile(root: Statement): { text: string; parameters: unknown[] } {
  const { strings, values } = flatten(root);
  const parameters: unknown[] = [];
  let text = strings[0];
  values.forEach((value, index) => {
    if (Array.isArray(value)) {
      text += `(${value.map((item: unknown) => `$${parameters.push(item)}`).join(", ")})`;
    } else {
      text += `$${parameters.push(value)}`;
    }
    text += strings[index + 1];
  });
  return { text, parameters };
}

/** The same statement as drizzle's `sql` (for drivers without a pipelined transaction). */
function toDrizzle(root: Statement): SQL {
  const { strings, values } = flatten(root);
  return sql(Object.assign([...strings], { raw: strings }) as unknown as TemplateStringsArray, ...values);
}

/** Runs the statement in `tx` (see `Statement`); the rows as the driver gives them (postgres.js a row list, PGlite `{ rows }`). */
export function runStatement(tx: Transaction, root: Statement): Promise<unknown> {
  const client = pipelinedClient();
  let query: PromiseLike<unknown>;
  if (client) {
    const { text, parameters } = compile(root);
    query = client.unsafe(text, parameters as never[]);
  } else query = tx.execute(toDrizzle(root));
  // Sent now, not when awaited (drizzle's and postgres.js's queries are lazy): the order of calls is the order on the wire.
  return new Promise((resolve, reject) => void query.then(resolve, reject));
}

/** Whatever the driver hands back for a raw statement: postgres.js a row list, PGlite `{ rows }`. */
export function rowsOf<T>(result: unknown): T[] {
  return (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[];
}
