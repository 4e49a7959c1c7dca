// Re-registers a recorded stack under API-versioned type tokens (`azure-native:<module>/<version>:<Type>`), the form
// `pulumi package add azure-native <module> <version>` generates. Real versions are read from the installed
// @pulumi/azure-native (each class lists its versioned tokens in its aliases), so the test uses tokens users can get.
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { Recording, type RecordedResource } from "../../offline/recorder";

const SDK_ROOT = dirname(require.resolve("@pulumi/azure-native/package.json"));

/** Versioned tokens of a default-version token that the installed SDK knows, oldest first. */
export function installedVersions(token: string): string[] {
  const m = /^azure-native:([^:/]+):([^:]+)$/.exec(token);
  if (!m) return [];
  const [, mod, type] = m;
  let src: string;
  try {
    src = readFileSync(join(SDK_ROOT, mod, `${type[0].toLowerCase()}${type.slice(1)}.js`), "utf8");
  } catch {
    return [];
  }
  const re = new RegExp(`"azure-native:${mod}/(v[0-9a-z]+):${type}"`, "g");
  return [...new Set([...src.matchAll(re)].map((x) => x[1]))].sort();
}

export const FUTURE_VERSION = "v29991231preview";

/** Picks, per default token, the versioned token to use (undefined keeps the token as it is). */
export type Pick = (token: string) => string | undefined;

export const pickOldest: Pick = (t) => installedVersions(t)[0];
export const pickNewest: Pick = (t) => installedVersions(t).at(-1);
export const pickFuture: Pick = () => FUTURE_VERSION;

function versioned(token: string, pick: Pick): string {
  const m = /^azure-native:([^:/]+):([^:]+)$/.exec(token);
  const v = m ? pick(token) : undefined;
  return m && v ? `azure-native:${m[1]}/${v}:${m[2]}` : token;
}

/** The same stack with every azure-native type token (and therefore every URN) versioned by `pick`. */
export function retype(rec: Recording, pick: Pick): { recording: Recording; tokens: Map<string, string> } {
  const tokens = new Map<string, string>();
  for (const r of rec.resources) if (!tokens.has(r.type)) tokens.set(r.type, versioned(r.type, pick));
  // URN: urn:pulumi:<stack>::<project>::<parent types $-joined>$<type>::<name>
  const urn = (u: string) => {
    const parts = u.split("::");
    if (parts.length < 4) return u;
    parts[2] = parts[2].split("$").map((t) => tokens.get(t) ?? t).join("$");
    return parts.join("::");
  };
  const out = new Recording();
  for (const r of rec.resources) {
    const copy: RecordedResource = {
      ...r,
      type: tokens.get(r.type) ?? r.type,
      urn: urn(r.urn),
      parent: r.parent ? urn(r.parent) : undefined,
      dependencies: r.dependencies.map(urn),
      propertyDependencies: Object.fromEntries(Object.entries(r.propertyDependencies).map(([k, us]) => [k, us.map(urn)])),
    };
    out.add(copy);
  }
  return { recording: out, tokens };
}
