/**
 * GraphQL documents built to break the query limits themselves: deep recursion in parsers and validation
 * rules, exponential fragment expansion, uncounted aliases. Written compactly, as an attacker would.
 */
export const chainedFragments = (count: number) =>
  `${Array.from({ length: count }, (_, n) => `fragment f${n} on Query{${n + 1 < count ? `...f${n + 1}` : "__typename"}}`).join("")}{...f0}`;
export const nestedInlineFragments = (count: number) => `{${"...on Query{".repeat(count)}__typename${"}".repeat(count)}}`;
export const typenameAliases = (count: number) => `{${Array.from({ length: count }, (_, n) => `a${n}:__typename`).join(" ")}}`;
export const nestedLists = (count: number) => `{customer(id:${"[".repeat(count)}${"]".repeat(count)}){id}}`;
export const nestedObjects = (count: number) => `{customers(filter:${"{a:".repeat(count)}1${"}".repeat(count)}){edges{cursor}}}`;
export const nestedFields = (count: number) => `{${"customers{edges{node{".repeat(count)}id${"}}}".repeat(count)}}`;
/** Each fragment spreads the next `width` times: `levels` levels expand to width^levels selections. */
export const fanOutFragments = (levels: number, width = 10) =>
  `${Array.from({ length: levels }, (_, n) => `fragment g${n} on Query{${n + 1 < levels ? Array.from({ length: width }, () => `...g${n + 1}`).join(" ") : "__typename"}}`).join("")}{...g0}`;

export type Layer = { kind: "inline" | "field" | "fragment"; repeat: number };

/** Layers of nesting (inline fragments, fields, a fragment chain) around `aliases` aliased leaves. */
export function layeredDocument(layers: Layer[], aliases: number): string {
  let open = "";
  let close = "";
  const fragments: string[] = [];
  for (const [index, layer] of layers.entries()) {
    if (layer.kind === "inline") open += "...on Query{".repeat(layer.repeat);
    else if (layer.kind === "field") open += "customers{edges{node{".repeat(layer.repeat);
    else {
      const name = (n: number) => `l${index}_${n}`;
      open += `...${name(0)} `;
      for (let n = 0; n < layer.repeat; n += 1)
        fragments.push(`fragment ${name(n)} on Query{${n + 1 < layer.repeat ? `...${name(n + 1)}` : "__typename"}}`);
    }
    close = (layer.kind === "inline" ? "}".repeat(layer.repeat) : layer.kind === "field" ? "}}}".repeat(layer.repeat) : "") + close;
  }
  const leaves = aliases > 0 ? Array.from({ length: aliases }, (_, n) => `a${n}:__typename`).join(" ") : "__typename";
  return `{${open}${leaves}${close}}${fragments.join("")}`;
}
