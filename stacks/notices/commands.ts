// `--notices DIR` for the three commands that can disrupt a customer: rebalance, plan --against and pr. Each resolves
// the window first (a bad --window changes nothing), builds one notice per affected customer and writes them.
import { existsSync, statSync } from "node:fs";
import type { RebalancePlan } from "../../placement/rebalance";
import type { PoolEdition } from "../../placement/limits";
import { InputError } from "../config/errors";
import { stackKind } from "../config/shared";
import type { EnvironmentConfig } from "../config/environment";
import { Fleet } from "../fleet-model";
import type { PlanReport } from "../plan/run";
import type { PrReport } from "../pr/run";
import { noticesFromChanges, noticesFromMoves, type NoticeContext } from "./build";
import type { Notice, NoticeWindow } from "./types";
import { parseWindowFlag, resolveWindow } from "./window";
import { writeNotices } from "./write";

export interface NoticeFlags {
  notices?: string;
  window?: string;
}

export interface WrittenNotices {
  dir: string;
  notices: Notice[];
  files: string[];
}

/** Refuses --window without --notices and a --notices path that is a file, before a command changes anything. */
export function checkNoticeFlags(flags: NoticeFlags): void {
  if (flags.window !== undefined && flags.notices === undefined) throw new InputError("--window", "only together with --notices <dir> (it is the window the notices announce)");
  if (flags.notices !== undefined && existsSync(flags.notices) && !statSync(flags.notices).isDirectory()) throw new InputError(`--notices ${flags.notices}`, "exists and is not a directory");
  if (flags.window !== undefined) parseWindowFlag(flags.window);
}

function windowFor(flags: NoticeFlags, env: EnvironmentConfig, now: Date): NoticeWindow {
  return resolveWindow(flags.window, env.noticeWindow, now);
}

const editions = (env: EnvironmentConfig) => new Map<string, PoolEdition>(env.pools.map((p) => [p.name, p.edition]));

export function rebalanceNotices(flags: NoticeFlags, envName: string, fleet: Fleet, plan: RebalancePlan, now = new Date()): WrittenNotices | undefined {
  if (!flags.notices) return undefined;
  const env = fleet.environmentConfig(envName);
  const ctx: NoticeContext = { command: "rebalance", environment: envName, members: fleet.members(envName).members, window: windowFor(flags, env, now), now, poolEditions: editions(env) };
  const notices = noticesFromMoves(plan, ctx, env.secondaryRegion !== undefined);
  return { dir: flags.notices, notices, files: writeNotices(flags.notices, notices) };
}

export function planNotices(flags: NoticeFlags & { against?: string }, report: PlanReport, fleet: Fleet, now = new Date()): WrittenNotices | undefined {
  if (!flags.notices) return undefined;
  if (!flags.against || !report.diff) throw new InputError("--notices", "needs --against <baseline>: notices describe the changes against a baseline");
  const envName = stackKind(report.stack).env;
  const env = fleet.environmentConfig(envName);
  const members = fleet.members(envName).members.filter((m) => m.stack !== report.stack);
  if (report.kind === "customer") members.push({ stack: report.stack, cfg: fleet.customerConfig(report.stack, report.configFile) });
  const ctx: NoticeContext = { command: "plan", environment: envName, members, window: windowFor(flags, env, now), now, baseline: flags.against };
  const notices = noticesFromChanges([{ stack: report.stack, changes: report.diff }], ctx);
  return { dir: flags.notices, notices, files: writeNotices(flags.notices, notices) };
}

/** The PR check: per environment, the head fleet says who owns what; stacks that failed to plan have no diff. */
export function prNotices(flags: NoticeFlags, report: PrReport, repo: string, now = new Date()): WrittenNotices | undefined {
  if (!flags.notices) return undefined;
  const fleet = new Fleet(repo);
  const byEnv = new Map<string, PrReport["stacks"]>();
  for (const s of report.stacks) {
    if (s.error) continue;
    const env = stackKind(s.stack).env;
    byEnv.set(env, [...(byEnv.get(env) ?? []), s]);
  }
  const notices: Notice[] = [];
  for (const [envName, checks] of byEnv) {
    const env = fleet.environmentConfig(envName);
    const ctx: NoticeContext = { command: "pr", environment: envName, members: fleet.members(envName).members, window: windowFor(flags, env, now), now };
    notices.push(...noticesFromChanges(checks.map((c) => ({ stack: c.stack, changes: c.changes })), ctx));
  }
  return { dir: flags.notices, notices, files: writeNotices(flags.notices, notices) };
}
