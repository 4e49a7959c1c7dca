// The `--strategy auto|incremental|staging` option of `sqlfleet schema plan|apply|rollback` and the
// `sqlfleet schema drop-retired` step. cli/commands/schema.ts calls these; everything else stays there.
import type { Command } from "commander";
import { buildSet } from "../sets";
import type { ChecksummedSet, DbSession } from "../types";
import { Ledger } from "../ledger";
import { buildStrategySet, parseStrategy, STRATEGY_SET, type StrategyName } from ".";
import { planStrategies } from "./planner/estimate";
import { readPostgresStats } from "./planner/stats";
import type { StrategyPlan } from "./planner/types";
import { INCREMENTAL_MIGRATION_ID, STAGING_MIGRATION_ID } from "./staging/postgres";
import { dropRetiredLeaves } from "./staging/retire";

export interface StrategyFlags {
  set: string;
  strategy?: string;
  freeStorageGb?: string;
  options?: string;
}

const plans = new WeakMap<ChecksummedSet, StrategyPlan>();

/** Adds --strategy and --free-storage-gb to a command. */
export function addStrategyOptions(c: Command): Command {
  return c
    .option("--strategy <name>", "fhir-partitioning: auto (planner recommends), incremental (in-place backfill) or staging (copy + partition switch)")
    .option("--free-storage-gb <n>", "free storage of the database in GiB, for the planner's feasibility check (PostgreSQL cannot report it)");
}

function freeBytes(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0 || n > 1_000_000) throw new Error(`--free-storage-gb must be a number from 0 to 1000000; got ${JSON.stringify(raw)}`);
  return Math.round(n * 1024 ** 3);
}

/**
 * The set to run for the flags: unchanged without --strategy; for fhir-partitioning the forced strategy, or with
 * "auto" the planner's pick from the target's statistics. The strategy plan is kept for `strategyPlanOf`.
 */
export async function chooseStrategySet(session: DbSession, base: ChecksummedSet, flags: StrategyFlags): Promise<ChecksummedSet> {
  const raw = flags.options ? (JSON.parse(flags.options) as Record<string, unknown>) : {};
  // The ledger remembers which strategy a database is on: status/rollback/resume without --strategy follow it.
  const recorded = base.name === STRATEGY_SET ? await recordedStrategy(session) : undefined;
  if (flags.strategy === undefined) return recorded === "staging" ? buildStrategySet("staging", base.engine, raw) : base;
  const mode = parseStrategy(flags.strategy, true);
  if (base.name !== STRATEGY_SET) throw new Error(`--strategy applies to --set ${STRATEGY_SET} only; got --set ${base.name}`);
  if (recorded && mode !== "auto" && mode !== recorded) {
    throw new Error(`${STRATEGY_SET}: this database is on --strategy ${recorded} (see the ledger); roll it back before switching to ${mode}`);
  }
  const conformance = (base.options.conformanceTypes as string[] | undefined) ?? (buildSet(STRATEGY_SET, base.engine).options.conformanceTypes as string[]);
  let plan: StrategyPlan | undefined;
  if (base.engine === "postgres") {
    const hasStore = await session.query<{ ok: boolean }>("SELECT to_regclass('fhir.resource') IS NOT NULL AS ok");
    if (hasStore.rows[0]?.ok) plan = planStrategies(await readPostgresStats(session, conformance, freeBytes(flags.freeStorageGb)), mode);
  }
  if (mode === "auto" && !plan) throw new Error("--strategy auto needs the resource store's statistics; none here yet (apply 0001 first or force a strategy)");
  const chosen = mode === "auto" ? (recorded ?? plan!.recommended) : mode;
  if (plan && mode === "auto" && recorded) plan.reasons.unshift(`the ledger shows --strategy ${recorded} already applied or in progress here: continuing with it`);
  if (plan && mode === "auto") plan.chosen = chosen;
  const set = buildStrategySet(chosen, base.engine, raw);
  if (plan) plans.set(set, plan);
  return set;
}

/** The strategy applied or in progress according to the ledger (undefined: none, or rolled back). */
async function recordedStrategy(session: DbSession): Promise<StrategyName | undefined> {
  const ledger = new Ledger(session);
  if (!(await ledger.exists())) return undefined;
  const live = (await ledger.migrations(STRATEGY_SET)).filter((m) => m.state !== "rolled_back");
  if (live.some((m) => m.migrationId === STAGING_MIGRATION_ID)) return "staging";
  if (live.some((m) => m.migrationId === INCREMENTAL_MIGRATION_ID)) return "incremental";
  return undefined;
}

/** The strategy plan computed for a set by chooseStrategySet, if any. */
export function strategyPlanOf(set: ChecksummedSet): StrategyPlan | undefined {
  return plans.get(set);
}

/** `sqlfleet schema drop-retired`: the explicit step that drops the retired leaves after a staging cutover. */
export async function runDropRetired(session: DbSession, setName: string): Promise<{ dropped: string[]; freedBytes: number }> {
  if (setName !== STRATEGY_SET) throw new Error(`drop-retired applies to --set ${STRATEGY_SET} only; got --set ${setName}`);
  return dropRetiredLeaves(session, setName);
}
