// Which config keys differ between two versions of a stack file, and (for callers holding only text) where a key
// sits. The PR check itself reads both versions through its Fleets (each file parsed once, every key's line kept)
// and uses changedConfigKeys on the parsed `config:` blocks.
import YAML, { isMap, isScalar, LineCounter, type Node } from "yaml";

/** `path` as in config maps: ["sqlfleet:fhir", "placement", "tier"] (under `config:`). Returns 1 when nothing matches. */
export function keyLine(text: string, path: readonly string[]): number {
  const lineCounter = new LineCounter();
  const doc = YAML.parseDocument(text, { lineCounter });
  let node: unknown = doc.contents;
  let line = 1;
  for (const segment of ["config", ...path]) {
    if (!isMap(node)) break;
    const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === segment);
    if (!pair) break;
    const range = (pair.key as Node).range;
    if (range) line = lineCounter.linePos(range[0]).line;
    node = pair.value;
  }
  return line;
}

/** Top-level config keys whose values differ between two versions of a stack file, as key paths to the first differing leaf. */
export function changedKeyPaths(before: string | undefined, after: string): string[][] {
  const a = ((before ? YAML.parse(before) : {}) as { config?: unknown } | null)?.config ?? {};
  const b = ((YAML.parse(after) ?? {}) as { config?: unknown }).config ?? {};
  return changedConfigPaths(a, b);
}

/** As changedKeyPaths, over parsed `config:` blocks; keys spelled as the Fleet's line map has them (`sqlfleet:dicom.placement.tier`). */
export function changedConfigKeys(before: Record<string, unknown> | undefined, after: Record<string, unknown>): string[] {
  return changedConfigPaths(before ?? {}, after).map((p) => p.join("."));
}

function changedConfigPaths(a: unknown, b: unknown): string[][] {
  const out: string[][] = [];
  const walk = (x: unknown, y: unknown, at: string[]) => {
    const isObj = (v: unknown): v is Record<string, unknown> => !!v && typeof v === "object" && !Array.isArray(v);
    if (isObj(x) && isObj(y)) {
      for (const k of new Set([...Object.keys(x), ...Object.keys(y)])) walk(x[k], y[k], [...at, k]);
    } else if (JSON.stringify(x) !== JSON.stringify(y)) out.push(at);
  };
  walk(a, b, []);
  return out;
}
