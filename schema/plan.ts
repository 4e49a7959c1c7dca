// Dry-run plan and status (read-only): ledger state, checksum drift, which steps' probes say "already done",
// each statement with the lock it takes, row estimates and an estimated duration (research/migrations.md §7.3).
import { sqlParts } from "./backfill";
import { Ledger } from "./ledger";
import { ledgerProblems } from "./runner";
import { expandActions, runProbe } from "./steps";
import type {
  BackfillCheckpoint,
  ChecksummedSet,
  DbSession,
  Dialect,
  LedgerMigration,
  LedgerStep,
  MigrationPlan,
  MigrationStep,
  PlanStatement,
  SetPlan,
  StepPlan,
} from "./types";

/** Default throughput assumptions when nothing was measured yet (rows/s). */
export const DEFAULT_RATES = {
  postgres: { backfill: 40_000, index: 400_000 },
  // The seeds plan for 2–3k rows/s on Azure SQL; index builds are online and slower.
  mssql: { backfill: 2_500, index: 100_000 },
};

function toPlanStatements(step: MigrationStep, stmts: { sql: string; lock?: PlanStatement["lock"]; autocommit?: boolean }[]): PlanStatement[] {
  return stmts.map((s) => ({ sql: s.sql.replace(/\s+/g, " ").trim(), lock: s.lock ?? step.lock, autocommit: s.autocommit ?? !step.transactional }));
}

/** Statement texts of a step without touching a database (templates unexpanded): used for static checks. */
export function staticStatements(d: Dialect, step: MigrationStep): string[] {
  const out: string[] = [];
  const add = (actions: MigrationStep["up"] | undefined) => {
    for (const a of actions ?? []) {
      if ("forEach" in a) {
        if (a.forEach.rows !== "beforeImage") out.push(a.forEach.rows.sql);
        for (const s of a.forEach.statements) out.push(s.sql);
      } else out.push(a.sql);
    }
  };
  add(step.up);
  add(step.down);
  for (const p of [step.done, step.downDone, step.beforeImage, step.estimateRows]) if (p) out.push(p.sql);
  if (step.backfill) {
    for (const dir of ["forward", "reverse"] as const) {
      if (dir === "reverse" && !step.backfill.reverse) continue;
      const parts = sqlParts(step.backfill, dir);
      out.push(d.nextKeySql(parts), d.backfillBatchSql(parts), d.maxKeySql(parts), d.countPendingSql(parts));
    }
    out.push(step.backfill.scopes.sql);
    if (step.backfill.estimateScopeRows) out.push(step.backfill.estimateScopeRows.sql);
  }
  for (const c of step.checks ?? []) out.push(c.sql.sql);
  return out;
}

async function tryNumber(session: DbSession, sql: { sql: string; params?: import("./types").SqlValue[] } | undefined): Promise<number | undefined> {
  if (!sql) return undefined;
  try {
    const r = await session.query(sql.sql, sql.params ?? []);
    const v = Number(Object.values(r.rows[0] ?? {})[0]);
    return Number.isFinite(v) ? v : undefined;
  } catch {
    return undefined;
  }
}

async function stepPlan(
  session: DbSession,
  set: ChecksummedSet,
  step: MigrationStep,
  stepNo: number,
  ledgerStep: LedgerStep | undefined,
  migrationDone: boolean,
  checkpoints: BackfillCheckpoint[],
): Promise<StepPlan> {
  const d = session.dialect;
  let status: StepPlan["status"] = "pending";
  if (migrationDone || ledgerStep?.state === "done" || ledgerStep?.state === "skipped") status = "done";
  else if (step.done) {
    try {
      status = (await runProbe(session, step.done)) ? "done" : "pending";
    } catch {
      status = "unknown";
    }
  }
  let statements: PlanStatement[];
  if (step.backfill) {
    const parts = sqlParts(step.backfill, "forward");
    statements = toPlanStatements(step, [{ sql: d.nextKeySql(parts) }, { sql: d.backfillBatchSql(parts) }]);
  } else if (step.checks) {
    statements = toPlanStatements(step, step.checks.map((c) => ({ sql: c.sql.sql })));
  } else {
    try {
      statements = toPlanStatements(step, await expandActions(session, step.up, ledgerStep?.beforeImage));
    } catch {
      // The catalog the templates read may not exist yet: show the templates.
      statements = toPlanStatements(step, staticStatements(d, { ...step, down: undefined, done: undefined, downDone: undefined, estimateRows: undefined }).map((sql) => ({ sql })));
    }
  }
  const plan: StepPlan = { stepNo, name: step.name, kind: step.kind, description: step.description, status, lock: step.lock, statements };
  if (status !== "done" && (step.kind === "backfill" || step.kind === "index")) {
    const mine = checkpoints.filter((c) => c.direction === "forward");
    const rows = mine.length > 0 ? mine.reduce((a, c) => a + Math.max(0, c.rowsEstimated - c.rowsDone), 0) : await tryNumber(session, step.estimateRows);
    if (rows !== undefined) {
      const measured = mine.length > 0 ? mine.reduce((a, c) => Math.max(a, c.emaRowsPerSec), 0) : 0;
      const rate = step.kind === "backfill" ? measured || DEFAULT_RATES[set.engine].backfill : DEFAULT_RATES[set.engine].index;
      plan.rowsEstimated = rows;
      plan.estimatedMs = Math.round((rows / rate) * 1000);
    }
  }
  return plan;
}

/** The read-only plan of what `apply` would do now. Never creates the ledger. */
export async function planSet(session: DbSession, set: ChecksummedSet): Promise<SetPlan> {
  const ledger = new Ledger(session);
  const hasLedger = await ledger.exists();
  const rows: LedgerMigration[] = hasLedger ? await ledger.migrations(set.name) : [];
  const problems = ledgerProblems(set, rows);
  const byId = new Map(rows.map((r) => [r.migrationId, r]));
  const migrations: MigrationPlan[] = [];
  for (const m of set.migrations) {
    const row = byId.get(m.id);
    const done = row?.state === "completed" || row?.state === "baselined";
    const steps = hasLedger && row ? await ledger.steps(set.name, m.id) : [];
    const cps = hasLedger && row ? await ledger.checkpoints(set.name, m.id) : [];
    const stepPlans: StepPlan[] = [];
    for (let i = 0; i < m.steps.length; i++) {
      stepPlans.push(await stepPlan(session, set, m.steps[i], i + 1, steps.find((s) => s.stepNo === i + 1), done, cps));
    }
    migrations.push({
      migrationId: m.id,
      description: m.description,
      checksum: set.migrationChecksums[m.id],
      ledgerState: row?.state,
      checksumMatches: !row || row.state === "rolled_back" || row.checksum === set.migrationChecksums[m.id],
      steps: stepPlans,
    });
  }
  const pending = migrations.filter((m) => m.ledgerState !== "completed" && m.ledgerState !== "baselined");
  return {
    setName: set.name,
    engine: set.engine,
    checksum: set.checksum,
    migrations,
    pendingMigrations: pending.length,
    estimatedMs: pending.flatMap((m) => m.steps).reduce((a, s) => a + (s.status === "done" ? 0 : (s.estimatedMs ?? 0)), 0),
    problems,
  };
}

export interface SetStatus {
  setName: string;
  ledgerExists: boolean;
  migrations: (LedgerMigration & { steps: LedgerStep[] })[];
  checkpoints: BackfillCheckpoint[];
  events: { at: string; migrationId?: string; kind: string; detail: unknown }[];
  /** Overall state: "not-applied", "completed", or the state of the first unfinished migration. */
  state: string;
}

/** The ledger's view of a set (read-only). */
export async function setStatus(session: DbSession, setName: string, set?: ChecksummedSet): Promise<SetStatus> {
  const ledger = new Ledger(session);
  if (!(await ledger.exists())) return { setName, ledgerExists: false, migrations: [], checkpoints: [], events: [], state: "not-applied" };
  const rows = await ledger.migrations(setName);
  const migrations = [];
  for (const r of rows) migrations.push({ ...r, steps: await ledger.steps(setName, r.migrationId) });
  const live = rows.filter((r) => r.state !== "rolled_back");
  let state = "not-applied";
  if (live.length > 0) {
    const unfinished = live.find((r) => r.state !== "completed" && r.state !== "baselined");
    const all = set ? set.migrations.every((m) => live.some((r) => r.migrationId === m.id)) : true;
    state = unfinished ? unfinished.state : all ? "completed" : "partial";
  }
  return { setName, ledgerExists: true, migrations, checkpoints: await ledger.checkpoints(setName), events: await ledger.events(setName, 30), state };
}
