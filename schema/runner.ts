// The engine-neutral runner: apply (strict order, checksums, probes, backfill, validation before completion),
// rollback (reverse order, idempotent from any partial state), under one runner lock per database.
import { repairSweep, runBackfill } from "./backfill";
import { Ledger } from "./ledger";
import { sleep, withRetry } from "./retry";
import { captureBeforeImage, runActions, runProbe } from "./steps";
import type {
  ChecksummedSet,
  DbSession,
  LedgerMigration,
  Migration,
  MigrationState,
  MigrationStep,
  RunOptions,
  RunResult,
  RunnerEvent,
  ValidationCheck,
} from "./types";

export const RUNNER_LOCK_KEY = "sqlfleet:schema-runner";
const DEFAULT_LOCK_TIMEOUT_MS = 3000;

/** Errors carry a `kind` instead of being Error subclasses: subclasses of Error lose their message when the
 * dynamic provider's closure is serialized and rebuilt in the Pulumi host. */
/** `refused`: the database is not one the set can start from; nothing was changed (the CLI exits 2). */
export type RunnerErrorKind = "checksum-mismatch" | "validation-failed" | "runner-busy" | "refused";

export function runnerError(kind: RunnerErrorKind, message: string): Error & { kind: RunnerErrorKind } {
  return Object.assign(new Error(message), { kind });
}

/** Problems that forbid applying: changed checksums of applied migrations, unknown ledger entries, out-of-order states. */
export function ledgerProblems(set: ChecksummedSet, rows: LedgerMigration[]): string[] {
  const problems: string[] = [];
  const ids = new Set(set.migrations.map((m) => m.id));
  for (const r of rows) {
    if (r.state === "rolled_back") continue;
    if (!ids.has(r.migrationId)) {
      problems.push(`${set.name}: the ledger has migration "${r.migrationId}" (${r.state}) which the set does not define`);
      continue;
    }
    const want = set.migrationChecksums[r.migrationId];
    if (r.checksum !== want) {
      problems.push(
        `${set.name}: migration "${r.migrationId}" is ${r.state} with checksum ${r.checksum.slice(0, 12)}… but its definition now hashes to ${want.slice(0, 12)}… (an applied migration must not change)`,
      );
    }
  }
  return problems;
}

/** Takes the per-database runner lock, waiting up to `waitMs` (a crashed runner's session may take a moment to die). */
export async function acquireRunnerLock(session: DbSession, waitMs = 15_000): Promise<void> {
  const until = Date.now() + waitMs;
  for (;;) {
    if (await session.tryLock(RUNNER_LOCK_KEY)) return;
    if (Date.now() >= until) throw runnerError("runner-busy", `another schema runner holds the lock "${RUNNER_LOCK_KEY}" on this database`);
    await sleep(200);
  }
}

interface Ctx {
  session: DbSession;
  ledger: Ledger;
  set: ChecksummedSet;
  opts: RunOptions;
  emit: (e: RunnerEvent) => void;
  deadline?: number;
}

function errText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

async function withLock<T>(session: DbSession, fn: (ledger: Ledger) => Promise<T>, waitMs?: number): Promise<T> {
  const ledger = new Ledger(session);
  await acquireRunnerLock(session, waitMs);
  try {
    await ledger.ensure();
    return await fn(ledger);
  } finally {
    await session.unlock(RUNNER_LOCK_KEY).catch(() => undefined);
  }
}

/**
 * Refuses a database the set cannot start from, before anything (the ledger included) is written to it: runs the
 * set's preconditions while none of its migrations is recorded, and checks the sets it requires.
 */
async function refuseWrongDatabase(session: DbSession, set: ChecksummedSet): Promise<void> {
  const ledger = new Ledger(session);
  const hasLedger = await ledger.exists();
  const recorded = hasLedger ? (await ledger.migrations(set.name)).filter((r) => r.state !== "rolled_back") : [];
  if (recorded.length === 0) {
    for (const p of set.preconditions ?? []) {
      const r = await session.query(p.sql.sql, p.sql.params ?? []);
      const found = Object.values(r.rows[0] ?? {})[0];
      if (found !== null && found !== undefined) {
        throw runnerError("refused", `${set.name}: refused (${p.name}): ${String(found)}. Nothing was changed.`);
      }
    }
  }
  for (const req of set.requires ?? []) {
    const rows = hasLedger ? await ledger.migrations(req) : [];
    if (rows.length === 0 || rows.some((r) => r.state !== "completed" && r.state !== "baselined")) {
      throw runnerError("refused", `${set.name}: refused: requires migration set "${req}" to be fully applied first. Nothing was changed.`);
    }
  }
}

/** What a failed migration had changed (steps that ran, per the ledger) and how to undo it. */
async function changedSoFar(ledger: Ledger, set: ChecksummedSet, m: Migration): Promise<string> {
  const ran = (await ledger.steps(set.name, m.id)).filter((s) => s.state === "done" && s.kind !== "validate").map((s) => s.name);
  const changed = ran.length > 0 ? `Changed before the failure: ${m.id} steps ${ran.join(", ")}` : `${m.id} changed nothing (every step was already present)`;
  const undo = m.irreversible
    ? `${m.id} is irreversible: fix the cause and re-run apply`
    : `undo with \`sqlfleet schema rollback --set ${set.name}\` (reverse order, idempotent, data kept), or fix the cause and re-run apply`;
  return `${changed}; ${undo}`;
}

function stepKey(set: ChecksummedSet, m: Migration, i: number, s: MigrationStep) {
  return { setName: set.name, migrationId: m.id, stepNo: i + 1, name: s.name, kind: s.kind };
}

async function runStepUp(ctx: Ctx, m: Migration, i: number, step: MigrationStep, image: unknown): Promise<void> {
  const { session } = ctx;
  await withRetry(
    () => (step.transactional ? session.transaction((tx) => runActions(tx, step.up, image)) : runActions(session, step.up, image)),
    {
      isRetryable: (e) => session.dialect.isRetryable(e),
      onRetry: (attempt, sleepMs, e) => ctx.emit({ type: "retry", what: `${m.id}/${step.name}`, attempt, sleepMs, error: errText(e) }),
    },
  );
}

/** Runs validation checks; returns failures and the reported values. */
async function runChecks(ctx: Ctx, m: Migration, step: MigrationStep, values: Record<string, number>): Promise<string[]> {
  const failures: string[] = [];
  for (const c of step.checks ?? []) {
    const r = await ctx.session.query(c.sql.sql, c.sql.params ?? []);
    const v = Number(Object.values(r.rows[0] ?? { v: NaN })[0]);
    const ok = c.report ? true : v === (c.expect ?? 0);
    values[c.name] = v;
    ctx.emit({ type: "validation", migrationId: m.id, check: c.name, value: v, ok });
    if (!ok) failures.push(`${c.name} = ${v} (expected ${c.expect ?? 0})${await offendersOf(ctx.session, c)}`);
  }
  return failures;
}

/** The keys of the first offending rows and the remedy, as a suffix of the failure message. */
async function offendersOf(session: DbSession, c: ValidationCheck): Promise<string> {
  let out = "";
  if (c.offenders) {
    const r = await session.query(c.offenders.sql, c.offenders.params ?? []);
    const keys = r.rows.slice(0, 10).map((row) => `(${Object.entries(row).map(([k, v]) => `${k}=${String(v)}`).join(", ")})`);
    if (keys.length > 0) out += `; first offending rows: ${keys.join(" ")}`;
  }
  if (c.remedy) out += `; fix: ${c.remedy}`;
  return out;
}

type MigrationOutcome = "completed" | "paused";

async function applyMigration(ctx: Ctx, m: Migration, seq: number, result: RunResult): Promise<MigrationOutcome> {
  const { session, ledger, set } = ctx;
  const setState = async (state: MigrationState, error?: string) => {
    await ledger.setMigrationState(set.name, m.id, state, error);
    ctx.emit({ type: "migration", migrationId: m.id, state });
  };
  await ledger.startMigration({
    setName: set.name,
    migrationId: m.id,
    seq,
    checksum: set.migrationChecksums[m.id],
    state: "running",
    options: set.options,
    appliedBy: ctx.opts.appliedBy,
  });
  ctx.emit({ type: "migration", migrationId: m.id, state: "running" });
  await ledger.event(set.name, m.id, "start", { checksum: set.migrationChecksums[m.id] });
  const done = new Map((await ledger.steps(set.name, m.id)).map((s) => [s.stepNo, s]));
  try {
    for (let i = 0; i < m.steps.length; i++) {
      const step = m.steps[i];
      const key = stepKey(set, m, i, step);
      const prior = done.get(i + 1);
      if (prior && (prior.state === "done" || prior.state === "skipped") && step.kind !== "validate") continue;
      if (ctx.opts.shouldPause?.() || (ctx.deadline !== undefined && Date.now() >= ctx.deadline)) {
        await setState("paused");
        return "paused";
      }
      await ctx.opts.barrier?.({ point: "step", migrationId: m.id, step: step.name, direction: "forward" });
      if (step.kind === "backfill") {
        if (!step.backfill) throw new Error(`${m.id}/${step.name}: a backfill step needs a backfill task`);
        await setState("backfilling");
        await ledger.setStep(key, "running", { attempt: true });
        ctx.emit({ type: "step", migrationId: m.id, step: step.name, state: "running" });
        await session.setTimeouts({ lockMs: ctx.opts.lockTimeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS, statementMs: ctx.opts.statementTimeoutMs ?? 60_000 });
        const out = await runBackfill({ session, ledger, setName: set.name, migrationId: m.id, task: step.backfill, direction: "forward", opts: ctx.opts, deadline: ctx.deadline });
        result.rowsMoved += out.rowsMoved;
        if (out.status === "paused") {
          await ledger.event(set.name, m.id, "paused", { step: step.name, rowsMoved: out.rowsMoved });
          await setState("paused");
          ctx.emit({ type: "paused", reason: "pause requested or time budget reached" });
          return "paused";
        }
        await ledger.setStep(key, "done");
        ctx.emit({ type: "step", migrationId: m.id, step: step.name, state: "done" });
        await setState("running");
        continue;
      }
      if (step.kind === "validate") {
        await setState("validating");
        await ledger.setStep(key, "running", { attempt: true });
        await session.setTimeouts({ lockMs: ctx.opts.lockTimeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS, statementMs: ctx.opts.statementTimeoutMs ?? 0 });
        await ctx.opts.barrier?.({ point: "validation", migrationId: m.id, attempt: 1 });
        let failures = await runChecks(ctx, m, step, result.validation);
        if (failures.length > 0) {
          // Rows that committed below the walk while it ran (out-of-order keys) are fixed by one repair pass.
          let fixed = 0;
          for (const s of m.steps) if (s.kind === "backfill" && s.backfill) fixed += await repairSweep(session, s.backfill, "forward");
          await ledger.event(set.name, m.id, "repair", { fixed, failures });
          result.rowsMoved += fixed;
          if (fixed > 0) {
            await ctx.opts.barrier?.({ point: "validation", migrationId: m.id, attempt: 2 });
            failures = await runChecks(ctx, m, step, result.validation);
          }
        }
        if (failures.length > 0) throw runnerError("validation-failed", `${set.name}/${m.id}: validation failed: ${failures.join("; ")}. ${await changedSoFar(ledger, set, m)}`);
        await ledger.event(set.name, m.id, "validated", result.validation);
        await ledger.setStep(key, "done");
        ctx.emit({ type: "step", migrationId: m.id, step: step.name, state: "done" });
        continue;
      }
      await session.setTimeouts({ lockMs: ctx.opts.lockTimeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS, statementMs: ctx.opts.statementTimeoutMs ?? 0 });
      if (step.done && (await runProbe(session, step.done))) {
        await ledger.setStep(key, "skipped", { error: undefined });
        ctx.emit({ type: "step", migrationId: m.id, step: step.name, state: "skipped", detail: "already present" });
        continue;
      }
      // Keep the image of the first attempt (a resumed step must restore the original state, not its own half-change).
      let image = prior && prior.state !== "rolled_back" ? prior.beforeImage : undefined;
      if (step.beforeImage && image === undefined) image = await captureBeforeImage(session, step);
      await ledger.setStep(key, "running", { attempt: true, beforeImage: image });
      ctx.emit({ type: "step", migrationId: m.id, step: step.name, state: "running" });
      await runStepUp(ctx, m, i, step, image);
      if (step.done && !(await runProbe(session, step.done))) {
        throw new Error(`${set.name}/${m.id}/${step.name}: ran, but its probe still reports the change as absent`);
      }
      await ledger.setStep(key, "done");
      ctx.emit({ type: "step", migrationId: m.id, step: step.name, state: "done" });
    }
    await setState("completed");
    await ledger.event(set.name, m.id, "completed", null);
    return "completed";
  } catch (e) {
    await ledger.setMigrationState(set.name, m.id, "failed", errText(e)).catch(() => undefined);
    await ledger.event(set.name, m.id, "failed", { error: errText(e) }).catch(() => undefined);
    ctx.emit({ type: "migration", migrationId: m.id, state: "failed" });
    throw e;
  }
}

/** Baseline adoption: every probe says done and every validation passes → record as baselined without running. */
async function tryBaseline(ctx: Ctx, m: Migration, seq: number): Promise<boolean> {
  const { session, ledger, set } = ctx;
  for (const s of m.steps) {
    if (s.kind === "backfill" || s.kind === "validate") continue;
    if (!s.done) return false;
    try {
      if (!(await runProbe(session, s.done))) return false;
    } catch {
      return false;
    }
  }
  const values: Record<string, number> = {};
  for (const s of m.steps) {
    if (s.kind !== "validate") continue;
    try {
      if ((await runChecks({ ...ctx, emit: () => undefined }, m, s, values)).length > 0) return false;
    } catch {
      return false;
    }
  }
  await ledger.startMigration({ setName: set.name, migrationId: m.id, seq, checksum: set.migrationChecksums[m.id], state: "baselined", options: set.options, appliedBy: ctx.opts.appliedBy });
  await ledger.setMigrationState(set.name, m.id, "baselined");
  for (let i = 0; i < m.steps.length; i++) await ledger.setStep(stepKey(set, m, i, m.steps[i]), "skipped");
  await ledger.event(set.name, m.id, "baselined", null);
  ctx.emit({ type: "migration", migrationId: m.id, state: "baselined" });
  return true;
}

/** Applies every pending migration of the set in order; resumes paused/failed ones from the ledger. */
export async function applySet(session: DbSession, set: ChecksummedSet, opts: RunOptions = {}): Promise<RunResult> {
  const emit = (e: RunnerEvent) => opts.onEvent?.(e);
  await refuseWrongDatabase(session, set);
  return withLock(session, async (ledger) => {
    const ctx: Ctx = { session, ledger, set, opts, emit, deadline: opts.timeBudgetMs ? Date.now() + opts.timeBudgetMs : undefined };
    const rows = await ledger.migrations(set.name);
    const problems = ledgerProblems(set, rows);
    if (problems.length > 0) throw runnerError("checksum-mismatch", problems.join("\n"));
    const byId = new Map(rows.map((r) => [r.migrationId, r]));
    const result: RunResult = { setName: set.name, state: "completed", applied: [], validation: {}, rowsMoved: 0 };
    for (let i = 0; i < set.migrations.length; i++) {
      const m = set.migrations[i];
      const row = byId.get(m.id);
      if (row && (row.state === "completed" || row.state === "baselined")) continue;
      if (opts.baseline && (!row || row.state === "rolled_back") && (await tryBaseline(ctx, m, i + 1))) continue;
      const out = await applyMigration(ctx, m, i + 1, result);
      if (out === "paused") return { ...result, state: "paused" };
      result.applied.push(m.id);
    }
    return result;
  }, opts.lockWaitMs);
}

/** Rolls back applied (or partially applied) migrations in reverse order; each down action is idempotent. */
export async function rollbackSet(session: DbSession, set: ChecksummedSet, opts: RunOptions & { to?: string } = {}): Promise<RunResult> {
  const emit = (e: RunnerEvent) => opts.onEvent?.(e);
  return withLock(session, async (ledger) => {
    const ctx: Ctx = { session, ledger, set, opts, emit, deadline: opts.timeBudgetMs ? Date.now() + opts.timeBudgetMs : undefined };
    const rows = await ledger.migrations(set.name);
    const problems = ledgerProblems(set, rows);
    if (problems.length > 0) throw runnerError("checksum-mismatch", problems.join("\n"));
    const byId = new Map(rows.map((r) => [r.migrationId, r]));
    const result: RunResult = { setName: set.name, state: "rolled_back", applied: [], validation: {}, rowsMoved: 0 };
    const stopIdx = opts.to ? set.migrations.findIndex((m) => m.id === opts.to) : -1;
    if (opts.to && stopIdx < 0) throw new Error(`${set.name}: rollback target "${opts.to}" is not a migration of the set`);
    for (let i = set.migrations.length - 1; i > stopIdx; i--) {
      const m = set.migrations[i];
      const row = byId.get(m.id);
      if (!row || row.state === "rolled_back") continue;
      if (m.irreversible) throw new Error(`${set.name}/${m.id} is irreversible; roll forward instead`);
      if (m.steps.every((s) => !s.down && !(s.kind === "backfill" && s.backfill?.reverse))) {
        // Nothing to undo (e.g. the resource store itself: data is never dropped); forget it in the ledger.
        await ledger.setMigrationState(set.name, m.id, "rolled_back");
        emit({ type: "migration", migrationId: m.id, state: "rolled_back" });
        continue;
      }
      await ledger.setMigrationState(set.name, m.id, "rolling_back");
      emit({ type: "migration", migrationId: m.id, state: "rolling_back" });
      const steps = new Map((await ledger.steps(set.name, m.id)).map((s) => [s.stepNo, s]));
      try {
        for (let j = m.steps.length - 1; j >= 0; j--) {
          const step = m.steps[j];
          const key = stepKey(set, m, j, step);
          if (steps.get(j + 1)?.state === "rolled_back") continue;
          if (ctx.opts.shouldPause?.() || (ctx.deadline !== undefined && Date.now() >= ctx.deadline)) return { ...result, state: "paused" as const };
          await opts.barrier?.({ point: "step", migrationId: m.id, step: step.name, direction: "reverse" });
          await session.setTimeouts({ lockMs: opts.lockTimeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS, statementMs: opts.statementTimeoutMs ?? 0 });
          if (step.downDone && (await runProbe(session, step.downDone))) {
            await ledger.setStep(key, "rolled_back");
            continue;
          }
          if (step.kind === "backfill" && step.backfill?.reverse) {
            const out = await runBackfill({ session, ledger, setName: set.name, migrationId: m.id, task: step.backfill, direction: "reverse", opts, deadline: ctx.deadline });
            result.rowsMoved += out.rowsMoved;
            if (out.status === "paused") return { ...result, state: "paused" as const };
          } else if (step.down) {
            const image = steps.get(j + 1)?.beforeImage;
            const down = step.down;
            await withRetry(() => (step.transactional ? session.transaction((tx) => runActions(tx, down, image)) : runActions(session, down, image)), {
              isRetryable: (e) => session.dialect.isRetryable(e),
              onRetry: (attempt, sleepMs, e) => emit({ type: "retry", what: `rollback ${m.id}/${step.name}`, attempt, sleepMs, error: errText(e) }),
            });
          }
          await ledger.setStep(key, "rolled_back");
          emit({ type: "step", migrationId: m.id, step: step.name, state: "rolled_back" });
        }
        await ledger.deleteCheckpoints(set.name, m.id, "forward");
        await ledger.deleteCheckpoints(set.name, m.id, "reverse");
        await ledger.setMigrationState(set.name, m.id, "rolled_back");
        await ledger.event(set.name, m.id, "rolled_back", null);
        emit({ type: "migration", migrationId: m.id, state: "rolled_back" });
        result.applied.push(m.id);
      } catch (e) {
        await ledger.setMigrationState(set.name, m.id, "failed", `rollback: ${errText(e)}`).catch(() => undefined);
        throw e;
      }
    }
    return result;
  }, opts.lockWaitMs);
}
