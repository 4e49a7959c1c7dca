// `sqlfleet pr`: the pull-request check. Affected stacks from the git diff, each planned at the base (stack files
// read from git into a temporary directory) and at the head (the working tree), the changes classified as
// `sqlfleet plan --against` does, and the policy pack run on the head plans.
// Exit 0 clean, 1 a mandatory violation or an unacknowledged data-losing replacement/deletion, 2 invalid configuration.
import { existsSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import type { PoolEdition } from "../../placement/limits";
import { ConfigError } from "../config/errors";
import { listStacks, loadEnvironmentConfig, stackFilePath } from "../fleet";
import { stackKind } from "../config/shared";
import { diffPlans, laterWarnings, type ResourceChange } from "../plan/diff";
import { EXIT, runPlan, type PolicyDiagnostic } from "../plan/run";
import { affectedStacks } from "./affected";
import { changedFiles, materializeBaseStacks, resolveRef } from "./git";
import { changedKeyPaths, keyLine } from "./key-locator";

export interface PrOptions {
  repo: string;
  base: string;
  /** `<stack>` or `<stack>:<resource name>` (or `*`): data-losing changes the PR author has accepted. */
  acknowledged?: readonly string[];
}

export interface StackCheck {
  stack: string;
  because: string;
  /** Relative to the repository root. */
  file: string;
  changes: ResourceChange[];
  /** Data-losing changes not covered by an acknowledgement. */
  unacknowledged: ResourceChange[];
  diagnostics: PolicyDiagnostic[];
  /** Changed config keys with their line in the head file (for review annotations). */
  changedKeys: { key: string; line: number }[];
  error?: string;
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

export async function runPrCheck(opts: PrOptions): Promise<PrReport> {
  const acks = opts.acknowledged ?? [];
  const baseCommit = resolveRef(opts.repo, opts.base);
  const changed = changedFiles(opts.repo, baseCommit);
  const baseDir = materializeBaseStacks(opts.repo, baseCommit);
  try {
    const known = [...new Set([...listStacks(opts.repo), ...listStacks(baseDir)])];
    const envsFirst = [...known.filter((s) => stackKind(s).kind === "environment"), ...known.filter((s) => stackKind(s).kind === "customer")];
    const affected = affectedStacks(changed, envsFirst);
    const stacks: StackCheck[] = [];
    for (const stack of affected.stacks) stacks.push(await checkStack(stack, affected.because[stack], opts.repo, baseDir, acks));
    const invalid = stacks.some((s) => s.error);
    const failing = stacks.some((s) => s.unacknowledged.length > 0 || s.diagnostics.some((d) => d.enforcementLevel === "mandatory"));
    return { base: opts.base, baseCommit, changedFiles: changed, stacks, exitCode: invalid ? EXIT.config : failing ? EXIT.policy : EXIT.ok };
  } finally {
    rmSync(baseDir, { recursive: true, force: true });
  }
}

async function checkStack(stack: string, because: string, repo: string, baseDir: string, acks: readonly string[]): Promise<StackCheck> {
  const file = `Pulumi.${stack}.yaml`;
  const headFile = stackFilePath(stack, repo);
  const baseFile = stackFilePath(stack, baseDir);
  const out: StackCheck = { stack, because, file, changes: [], unacknowledged: [], diagnostics: [], changedKeys: [], warnings: [] };
  const headText = existsSync(headFile) ? readFileSync(headFile, "utf8") : undefined;
  const baseText = existsSync(baseFile) ? readFileSync(baseFile, "utf8") : undefined;
  if (headText) out.changedKeys = changedKeyPaths(baseText, headText).map((p) => ({ key: p.join("."), line: keyLine(headText, p) }));
  try {
    const head = headText ? await runPlan(stack, { root: repo }) : undefined;
    let base;
    try {
      base = baseText ? await runPlan(stack, { root: baseDir, skipPolicies: true }) : undefined;
    } catch (e) {
      if (!(e instanceof ConfigError)) throw e;
      out.warnings.push(`base version of ${file} was invalid; diffing against nothing: ${e.message.split("\n")[0]}`);
    }
    const env = stackKind(stack).env;
    const envFile = existsSync(stackFilePath(env, repo)) ? stackFilePath(env, repo) : stackFilePath(env, baseDir);
    const editions = new Map<string, PoolEdition>(loadEnvironmentConfig(env, envFile).pools.map((p) => [p.name, p.edition]));
    out.changes = diffPlans(base?.resources ?? [], head?.resources ?? [], editions);
    out.diagnostics = head?.policy.diagnostics ?? [];
    out.warnings.push(...(head?.warnings ?? []), ...laterWarnings(out.changes));
    out.unacknowledged = out.changes.filter((c) => c.dataLoss && (c.classification === "replacement" || c.classification === "delete") && !isAcknowledged(stack, c, acks));
  } catch (e) {
    if (!isConfig(e)) throw e;
    out.error = (e as Error).message;
  }
  return out;
}

function isConfig(e: unknown): boolean {
  // cli/errors.ts holds the full list; product code below cli/ keeps to the error classes it can import cheaply.
  return e instanceof ConfigError || ["PlacementError", "ComponentValidationError"].includes((e as Error)?.constructor?.name ?? "");
}

export const relativeTo = (repo: string, f: string) => path.relative(repo, f);
