// Which stacks a change affects: a customer file → that stack; an environment file → the environment and every
// customer stack of it; a change to shared code (components/, stacks/, placement/, policies/, Pulumi.yaml,
// package files) → every stack. Anything else (docs, tests, CI) affects none.
import { stackKind } from "../config/shared";

const SHARED_CODE = [/^components\//, /^stacks\//, /^placement\//, /^policies\//, /^Pulumi\.yaml$/, /^package(-lock)?\.json$/];

export interface Affected {
  stacks: string[];
  /** Why each stack is affected (the changed file that pulled it in). */
  because: Record<string, string>;
}

/** `known` is every stack name present at base or head, environments first. */
export function affectedStacks(changed: readonly string[], known: readonly string[]): Affected {
  const because: Record<string, string> = {};
  const add = (s: string, why: string) => {
    if (known.includes(s) && !because[s]) because[s] = why;
  };
  for (const f of changed) {
    if (SHARED_CODE.some((re) => re.test(f))) for (const s of known) add(s, f);
    const m = /^Pulumi\.(.+)\.yaml$/.exec(f);
    if (!m) continue;
    const k = stackKind(m[1]);
    add(m[1], f);
    if (k.kind === "environment") for (const s of known) if (stackKind(s).kind === "customer" && stackKind(s).env === m[1]) add(s, f);
  }
  return { stacks: known.filter((s) => because[s]), because };
}
