// `sqlfleet pr`: the pull-request check. Affected stacks from the git diff, each planned at the base (stack files
// read from git into a temporary directory) and at the head (the working tree), the changes classified as
// `sqlfleet plan --against` does, and the policy pack run on the head plans. One Fleet for the head and one for the
// base: each stack file is read once, each environment recorded once per side, and every finding is located at
// the config key (file and line) that caused it where one did.
// Exit 0 clean, 1 a mandatory violation or an unacknowledged data-losing replacement/deletion, 2 invalid configuration.
import { existsSync, rmSync } from "node:fs";
import path from "node:path";
import type { PoolEdition } from "../../placement/limits";
import { ConfigError, type ConfigProblem } from "../config/errors";
import { stackKind } from "../config/shared";
import { Fleet } from "../fleet-model";
import { listStacks } from "../fleet";
import { diffPlans, laterWarnings, type ResourceChange } from "../plan/diff";
import { EXIT, runPlan, type PolicyDiagnostic } from "../plan/run";
import { affectedStacks } from "./affected";
import { findingKeys } from "./finding-keys";
import { changedFiles, materializeBaseStacks, resolveRef } from "./git";
import { changedConfigKeys } from "./key-locator";

export interface PrOptions {
  repo: string;
  base: string;
  /** `<stack>` or `<stack>:<resource name>` (or `*`): data-losing changes the PR author has accepted. */
  acknowledged?: readonly string[];
  /** The command's fleet factory (cli/deps.ts openFleet); one Fleet per root. */
  openFleet?: (root: string) => Fleet;
}

/** Where in the head's stack files a finding's cause sits (file relative to the repository root). */
export interface KeyLocation {
  file: string;
  line: number;
  key: string;
}

export type LocatedDiagnostic = PolicyDiagnostic & { at?: KeyLocation };
export type LocatedChange = ResourceChange & { at?: KeyLocation };
export type LocatedProblem = ConfigProblem & { location?: KeyLocation };

export interface StackCheck {
  stack: string;
  because: string;
  /** Relative to the repository root. */
  file: string;
  changes: ResourceChange[];
  /** Data-losing changes not covered by an acknowledgement. */
  unacknowledged: LocatedChange[];
  diagnostics: LocatedDiagnostic[];
  /** Changed config keys with their line in the head file (for review annotations). */
  changedKeys: { key: string; line: number }[];
  error?: string;
  /** The invalid keys behind `error`, located in the head files where they are written. */
  problems?: LocatedProblem[];
  warnings: string[];
}

export interface PrReport {
  base: string;
  baseCommit: string;
  changedFiles: string[];
  stacks: StackCheck[];
  exitCode: 0 | 1 | 2;
}

export function isAcknowledged(stack: string, change: ResourceChange, acks: readonly string[]): boolean {
  return acks.some((a) => a === "*" || a === stack || a === `${stack}:${change.name}`);
}

interface Sides {
  repo: string;
  head: Fleet;
  base: Fleet;
  acks: readonly string[];
}

export async function runPrCheck(opts: PrOptions): Promise<PrReport> {
  const acks = opts.acknowledged ?? [];
  const baseCommit = resolveRef(opts.repo, opts.base);
  const changed = changedFiles(opts.repo, baseCommit);
  const baseDir = materializeBaseStacks(opts.repo, baseCommit);
  const open = opts.openFleet ?? ((root: string) => new Fleet(root));
  try {
    const sides: Sides = { repo: opts.repo, head: open(opts.repo), base: open(baseDir), acks };
    const known = [...new Set([...listStacks(opts.repo), ...listStacks(baseDir)])];
    const envsFirst = [...known.filter((s) => stackKind(s).kind === "environment"), ...known.filter((s) => stackKind(s).kind === "customer")];
    const affected = affectedStacks(changed, envsFirst);
    const stacks: StackCheck[] = [];
    for (const stack of affected.stacks) stacks.push(await checkStack(stack, affected.because[stack], sides));
    const invalid = stacks.some((s) => s.error);
    const failing = stacks.some((s) => s.unacknowledged.length > 0 || s.diagnostics.some((d) => d.enforcementLevel === "mandatory"));
    return { base: opts.base, baseCommit, changedFiles: changed, stacks, exitCode: invalid ? EXIT.config : failing ? EXIT.policy : EXIT.ok };
  } finally {
    rmSync(baseDir, { recursive: true, force: true });
  }
}

async function checkStack(stack: string, because: string, sides: Sides): Promise<StackCheck> {
  const { head: headFleet, base: baseFleet, repo, acks } = sides;
  const file = `Pulumi.${stack}.yaml`;
  const headFile = headFleet.stackFile(stack);
  const baseFile = baseFleet.stackFile(stack);
  const out: StackCheck = { stack, because, file, changes: [], unacknowledged: [], diagnostics: [], changedKeys: [], warnings: [] };
  const kind = stackKind(stack);
  const envFile = headFleet.stackFile(kind.env);
  const locate = (key: string, inEnvironment: boolean): KeyLocation | undefined => {
    const f = inEnvironment ? envFile : headFile;
    const line = existsSync(f) ? headFleet.lineOf(f, key) : undefined;
    return line ? { file: path.relative(repo, f), line, key } : undefined;
  };
  try {
    const hasHead = existsSync(headFile);
    const hasBase = existsSync(baseFile);
    if (hasHead) {
      const before = hasBase ? baseFleet.load(baseFile).config : undefined;
      out.changedKeys = changedConfigKeys(before, headFleet.load(headFile).config).map((key) => ({ key, line: headFleet.lineOf(headFile, key) ?? 1 }));
    }
    const head = hasHead ? await runPlan(stack, { fleet: headFleet }) : undefined;
    let base;
    try {
      base = hasBase ? await runPlan(stack, { fleet: baseFleet, skipPolicies: true }) : undefined;
    } catch (e) {
      if (!isConfig(e)) throw e;
      out.warnings.push(`base version of ${file} was invalid; diffing against nothing: ${(e as Error).message.split("\n")[0]}`);
    }
    const envCfg = existsSync(envFile) ? headFleet.environmentConfig(kind.env) : baseFleet.environmentConfig(kind.env);
    const editions = new Map<string, PoolEdition>(envCfg.pools.map((p) => [p.name, p.edition]));
    out.changes = diffPlans(base?.resources ?? [], head?.resources ?? [], editions);
    out.diagnostics = (head?.policy.diagnostics ?? []).map((d) => withAt(d, locateFinding(d.policyId, kind.kind === "customer", out.changedKeys, locate)));
    out.warnings.push(...(head?.warnings ?? []), ...laterWarnings(out.changes));
    out.unacknowledged = out.changes
      .filter((c) => c.dataLoss && (c.classification === "replacement" || c.classification === "delete") && !isAcknowledged(stack, c, acks))
      .map((c) => withAt(c, locateChange(c, out.changedKeys, (k) => locate(k, false))));
  } catch (e) {
    if (!isConfig(e)) throw e;
    out.error = (e as Error).message;
    if (e instanceof ConfigError) {
      out.problems = e.problems.map((p) => {
        const location = locate(p.key, !!p.stack && p.stack !== stack);
        return location ? { ...p, location } : p;
      });
    }
  }
  return out;
}

function withAt<T extends object>(x: T, at: KeyLocation | undefined): T & { at?: KeyLocation } {
  return at ? { ...x, at } : x;
}

/**
 * The key behind a policy finding: one the policy's verdict depends on (stacks/pr/finding-keys.ts) that the PR
 * changed, else one that is written in the files, else none (SARIF then falls back to the stack file).
 */
function locateFinding(policyId: string, customer: boolean, changed: { key: string }[], locate: (key: string, inEnvironment: boolean) => KeyLocation | undefined): KeyLocation | undefined {
  const candidates = findingKeys(policyId).map((k) => ({ key: k.key, inEnvironment: customer && !!k.environment }));
  const changedHere = (k: { key: string; inEnvironment: boolean }) => !k.inEnvironment && changed.some((c) => c.key === k.key || c.key.startsWith(`${k.key}.`));
  for (const k of [...candidates.filter(changedHere), ...candidates]) {
    const at = locate(k.key, k.inEnvironment);
    if (at) return at;
  }
  return undefined;
}

/** A data-losing change of a customer database → the changed key under that database's role (`sqlfleet:dicom.collation`). */
function locateChange(c: ResourceChange, changed: { key: string }[], locate: (key: string) => KeyLocation | undefined): KeyLocation | undefined {
  const role = /-(fhir|dicom)(?:-|$)/.exec(c.name)?.[1];
  const mine = role ? changed.find((k) => k.key.startsWith(`sqlfleet:${role}.`) || k.key === `sqlfleet:${role}`) : undefined;
  const key = mine ?? changed[0];
  return key ? locate(key.key) : undefined;
}

function isConfig(e: unknown): boolean {
  // cli/errors.ts holds the full list; product code below cli/ keeps to the error classes it can import cheaply.
  return e instanceof ConfigError || ["PlacementError", "ComponentValidationError", "InputError"].includes((e as Error)?.constructor?.name ?? "");
}

export const relativeTo = (repo: string, f: string) => path.relative(repo, f);
