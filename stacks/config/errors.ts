// Configuration errors that name the stack, the key, the value and what is allowed, so `sqlfleet plan` can exit 2
// with a message a reviewer can act on.
import type { z } from "zod";

export interface ConfigProblem {
  /** Full key path, e.g. `sqlfleet:fhir.placement.maxSizeGb`. */
  key: string;
  value: unknown;
  allowed: string;
  /** `file:line` of the key (filled in by the Fleet, which knows the files); just the file when the key is not in it. */
  at?: string;
  /** The stack whose file holds the key, when it is not the stack being planned (an environment key in a customer plan). */
  stack?: string;
  /** The component check that refused the value (`Workspace "northwell" databases.fhir.haReplicas`). */
  source?: string;
}

export class ConfigError extends Error {
  constructor(
    readonly stackName: string,
    readonly problems: ConfigProblem[],
  ) {
    super(`stack ${stackName}: invalid configuration\n` + problems.map(describeProblem).join("\n"));
    this.name = "ConfigError";
  }

  /** The same problems with `at` filled in where `locate` knows the key's file and line (messages name file:line). */
  located(locate: (p: ConfigProblem) => string | undefined): ConfigError {
    return new ConfigError(
      this.stackName,
      this.problems.map((p) => {
        const at = p.at ?? locate(p);
        return at ? { ...p, at } : p;
      }),
    );
  }

  get keys(): string[] {
    return this.problems.map((p) => p.key);
  }
}

/** `  Pulumi.prod-northwell.yaml:14 sqlfleet:fhir.placement.haReplicas = 0: allowed … (stack prod) [Workspace …]` */
function describeProblem(p: ConfigProblem): string {
  const where = p.at ? `${p.at} ` : "";
  const owner = p.stack ? ` (set in stack ${p.stack})` : "";
  const source = p.source ? ` [refused by ${p.source}]` : "";
  return `  ${where}${p.key} = ${show(p.value)}: ${p.allowed}${owner}${source}`;
}

export function show(v: unknown): string {
  if (v === undefined) return "(not set)";
  const s = JSON.stringify(v);
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

/** `sqlfleet:pools[1].vCores` from a zod path. */
export function keyOf(namespace: string, path: readonly PropertyKey[]): string {
  let out = "";
  path.forEach((p, i) => {
    if (typeof p === "number") out += `[${p}]`;
    else out += i === 0 ? String(p) : `.${String(p)}`;
  });
  return `${namespace}:${out}`;
}

export function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let cur: unknown = root;
  for (const p of path) {
    if (cur === null || typeof cur !== "object") return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[p];
  }
  return cur;
}

/** Turns zod issues into problems with the allowed range or set spelled out. */
export function problemsFromZod(namespace: string, raw: unknown, issues: readonly z.core.$ZodIssue[]): ConfigProblem[] {
  const out: ConfigProblem[] = [];
  for (const issue of issues) {
    const i = issue as z.core.$ZodIssue & Record<string, unknown>;
    if (i.code === "unrecognized_keys") {
      for (const k of i.keys as string[]) {
        out.push({ key: keyOf(namespace, [...issue.path, k]), value: valueAt(raw, [...issue.path, k]), allowed: "unknown key (check the spelling against Pulumi.yaml and stacks/README.md)" });
      }
      continue;
    }
    let allowed = issue.message;
    if (i.code === "too_big") allowed = `allowed maximum ${String(i.maximum)}${i.inclusive === false ? " (exclusive)" : ""}; ${issue.message}`;
    else if (i.code === "too_small") allowed = `allowed minimum ${String(i.minimum)}${i.inclusive === false ? " (exclusive)" : ""}; ${issue.message}`;
    else if (i.code === "invalid_value") allowed = `allowed: ${(i.values as unknown[]).map(String).join(", ")}`;
    else if (i.code === "invalid_union" && Array.isArray(i.options)) allowed = `allowed: ${(i.options as unknown[]).map(String).join(", ")}`;
    else if (i.code === "invalid_type") allowed = `expected ${String(i.expected)}`;
    out.push({ key: keyOf(namespace, issue.path), value: valueAt(raw, issue.path), allowed });
  }
  return out;
}

/**
 * Invalid input that is not a config value: a file that does not parse, an unknown stack, a bad flag, a wrong-shape
 * database. `subject` names the file (with line), flag or object so the message can be acted on; the CLI exits 2.
 */
export class InputError extends Error {
  constructor(
    readonly subject: string,
    detail: string,
  ) {
    super(detail.startsWith(subject) ? detail : `${subject}: ${detail}`);
    this.name = "InputError";
  }
}
