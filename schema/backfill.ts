// Batched backfill by key ranges (research/migrations.md §7.4): per scope, take the upper key of the next N keys
// after the checkpoint, update that range where the row is still pending, and commit the checkpoint in the same
// transaction. A crash therefore loses at most the batch in flight and never counts a row twice. Batch size
// follows a target batch duration (EMA of keys/s); health signals throttle; pause and time budgets stop cleanly.
import type { Ledger } from "./ledger";
import { sleep, withRetry } from "./retry";
import type { BackfillCheckpoint, BackfillSqlParts, BackfillTask, DbSession, Dialect, HealthSignals, RunOptions, ThrottlePolicy } from "./types";

export const DEFAULT_THROTTLE: ThrottlePolicy = {
  maxReplicationLagMs: 1500,
  maxBlockedByUs: 5,
  maxLongestTransactionMs: 30 * 60_000,
  maxLogWritePercent: 80,
  maxLogRateGovernorWaits: 1,
  throttleSleepMs: 1000,
  niceRatio: 0,
};

const KEY_MIN = "-9223372036854775808";
const EMA_ALPHA = 0.4;
const GROWTH = 1.5;
const AIM = 0.8;

export interface BackfillContext {
  session: DbSession;
  ledger: Ledger;
  setName: string;
  migrationId: string;
  task: BackfillTask;
  direction: "forward" | "reverse";
  opts: RunOptions;
  /** Epoch ms after which the run stops cleanly (time budget). */
  deadline?: number;
}

export interface BackfillOutcome {
  status: "done" | "paused";
  rowsMoved: number;
  batches: number;
  batchMs: number[];
}

/** Which health threshold is exceeded, if any. */
export function throttleReason(h: HealthSignals, p: ThrottlePolicy): string | undefined {
  if ((h.replicationLagMs ?? 0) > p.maxReplicationLagMs) return `replication lag ${Math.round(h.replicationLagMs ?? 0)} ms > ${p.maxReplicationLagMs} ms`;
  if ((h.blockedByUs ?? 0) > p.maxBlockedByUs) return `${h.blockedByUs} sessions blocked by the runner > ${p.maxBlockedByUs}`;
  if ((h.longestTransactionMs ?? 0) > p.maxLongestTransactionMs) {
    return `a transaction has been open ${Math.round(h.longestTransactionMs ?? 0)} ms > ${p.maxLongestTransactionMs} ms`;
  }
  if ((h.logWritePercent ?? 0) > p.maxLogWritePercent) return `log write ${h.logWritePercent}% > ${p.maxLogWritePercent}%`;
  if ((h.logRateGovernorWaits ?? 0) >= p.maxLogRateGovernorWaits && (h.logRateGovernorWaits ?? 0) > 0) {
    return `${h.logRateGovernorWaits} sessions waiting on the log rate governor`;
  }
  return undefined;
}

/** Next batch size from the measured rate: rate × 0.8 × target, growth capped, halved when a batch overran by 50%. */
export function nextBatchSize(current: number, emaKeysPerSec: number, lastMs: number, bounds: { targetMs: number; min: number; max: number }): number {
  let next: number;
  if (lastMs > 1.5 * bounds.targetMs) next = current * 0.5;
  // Grow fast while far below the target, gently near it. Batch time is linear in rows but noisy (±50% on a busy
  // server), so size for AIM × target: the target is the duration batches should stay under, not their median.
  else next = Math.min(current * (lastMs < bounds.targetMs / 2 ? GROWTH : 1.2), (emaKeysPerSec * bounds.targetMs * AIM) / 1000);
  return Math.max(bounds.min, Math.min(bounds.max, Math.round(next)));
}

/** Batch-size bounds of a task: the dialect's cap (SQL Server 4,000) always wins over the task's own maximum. */
export function batchBounds(task: BackfillTask, d: Dialect): { targetMs: number; min: number; max: number } {
  return {
    targetMs: task.targetBatchMs ?? 300,
    min: Math.min(task.minBatch ?? 100, d.maxBatchRows),
    max: Math.min(task.maxBatch ?? d.maxBatchRows, d.maxBatchRows),
  };
}

export function sqlParts(task: BackfillTask, direction: "forward" | "reverse"): BackfillSqlParts {
  if (direction === "reverse" && !task.reverse) throw new Error(`backfill task ${task.name} has no reverse change; it cannot be rolled back`);
  const change = direction === "forward" ? { set: task.set, pending: task.pending } : task.reverse!;
  return { table: task.table, scopeColumn: task.scopeColumn, keyColumn: task.keyColumn, set: change.set, pending: change.pending };
}

function bigintMax(a: string, b: string): string {
  return BigInt(a) >= BigInt(b) ? a : b;
}

/** Creates missing checkpoints (high-water mark and estimate per scope) and returns all of this task's. */
export async function prepareCheckpoints(ctx: BackfillContext): Promise<BackfillCheckpoint[]> {
  const { session, ledger, task, direction } = ctx;
  const d = session.dialect;
  const parts = sqlParts(task, direction);
  const scopes = await session.query<{ scope_value: unknown; scope_label: unknown }>(task.scopes.sql, task.scopes.params ?? []);
  const existing = (await ledger.checkpoints(ctx.setName, ctx.migrationId)).filter((c) => c.direction === direction);
  const byTask = new Map(existing.map((c) => [c.task, c]));
  const initial = Math.min(task.initialBatch ?? 1000, task.maxBatch ?? d.maxBatchRows, d.maxBatchRows);
  const out: BackfillCheckpoint[] = [];
  for (const s of scopes.rows) {
    const label = String(s.scope_label);
    const key = `${task.name}/${label}`;
    let cp = byTask.get(key);
    if (!cp) {
      const hw = await session.query<{ hi: unknown }>(d.maxKeySql(parts), [Number(s.scope_value)]);
      const est = task.estimateScopeRows
        ? await session.query(task.estimateScopeRows.sql, [Number(s.scope_value), ...(task.estimateScopeRows.params ?? [])])
        : await session.query(d.countPendingSql(parts), [Number(s.scope_value)]);
      const estimate = Math.max(0, Math.round(Number(Object.values(est.rows[0] ?? {})[0] ?? 0)));
      cp = {
        setName: ctx.setName,
        migrationId: ctx.migrationId,
        task: key,
        direction,
        scopeValue: Number(s.scope_value),
        lastKey: KEY_MIN,
        highWaterKey: String(hw.rows[0]?.hi ?? "0"),
        rowsDone: 0,
        rowsEstimated: Number.isFinite(estimate) ? estimate : 0,
        batchSize: initial,
        emaRowsPerSec: 0,
        state: "running",
      };
      await ledger.insertCheckpoint(cp);
    }
    out.push(cp);
  }
  return out;
}

/** Runs (or resumes) the task to completion, a pause, or the time budget. */
export async function runBackfill(ctx: BackfillContext): Promise<BackfillOutcome> {
  const { session, ledger, task, direction, opts } = ctx;
  const d = session.dialect;
  const parts = sqlParts(task, direction);
  const nextSql = d.nextKeySql(parts);
  const batchSql = d.backfillBatchSql(parts);
  const policy: ThrottlePolicy = { ...DEFAULT_THROTTLE, ...(opts.throttle ?? {}) };
  const bounds = batchBounds(task, d);
  const cps = await prepareCheckpoints(ctx);
  const totalEstimated = cps.reduce((a, c) => a + c.rowsEstimated, 0);
  let totalDone = cps.reduce((a, c) => a + c.rowsDone, 0);
  const started = Date.now();
  const doneAtStart = totalDone;
  let rowsMoved = 0;
  let batches = 0;
  const batchMs: number[] = [];
  let lastHealthAt = 0;

  // Scopes of one task have the same row shape: a fresh scope starts from what the previous one learned.
  let learned: { batchSize: number; ema: number } | undefined;
  for (const cp of cps) {
    if (cp.state === "done") continue;
    if (learned && cp.emaRowsPerSec === 0 && cp.lastKey === KEY_MIN) {
      cp.batchSize = learned.batchSize;
      cp.emaRowsPerSec = learned.ema;
    }
    for (;;) {
      if (opts.shouldPause?.()) return { status: "paused", rowsMoved, batches, batchMs };
      if (ctx.deadline !== undefined && Date.now() >= ctx.deadline) return { status: "paused", rowsMoved, batches, batchMs };
      if (Date.now() - lastHealthAt >= 1000) {
        lastHealthAt = Date.now();
        const reason = throttleReason(await session.health(), policy);
        if (reason) {
          opts.onEvent?.({ type: "throttle", reason, sleepMs: policy.throttleSleepMs });
          await sleep(policy.throttleSleepMs);
          lastHealthAt = 0;
          continue;
        }
      }
      const size = Math.max(bounds.min, Math.min(bounds.max, cp.batchSize));
      const t0 = Date.now();
      const result = await withRetry(
        () =>
          session.transaction(async (tx) => {
            const hiRow = await tx.query<{ hi: unknown; n: unknown }>(nextSql, [cp.scopeValue, cp.lastKey, size]);
            const hi = hiRow.rows[0]?.hi;
            if (hi === null || hi === undefined) return undefined;
            const upd = await tx.query(batchSql, [cp.scopeValue, cp.lastKey, String(hi)]);
            const keys = Number(hiRow.rows[0]?.n ?? 0);
            const state: BackfillCheckpoint["state"] = BigInt(String(hi)) > BigInt(cp.highWaterKey) ? "sweeping" : "running";
            await ledger.advanceCheckpoint(tx, cp, { lastKey: String(hi), rowsAdded: upd.rowCount, batchSize: size, ema: cp.emaRowsPerSec, state });
            return { hi: String(hi), updated: upd.rowCount, keys, state };
          }),
        {
          isRetryable: (e) => d.isRetryable(e),
          onRetry: (attempt, sleepMs, e) => {
            cp.batchSize = Math.max(bounds.min, Math.floor(cp.batchSize / 2));
            opts.onEvent?.({ type: "retry", what: `backfill ${cp.task}`, attempt, sleepMs, error: String((e as Error)?.message ?? e) });
          },
        },
      );
      if (!result) {
        // No key beyond the checkpoint: the walk and the sweep above the high-water mark are complete.
        await ledger.advanceCheckpoint(session, cp, { lastKey: bigintMax(cp.lastKey, cp.highWaterKey), rowsAdded: 0, batchSize: cp.batchSize, ema: cp.emaRowsPerSec, state: "done" });
        cp.state = "done";
        if (cp.emaRowsPerSec > 0) learned = { batchSize: cp.batchSize, ema: cp.emaRowsPerSec };
        break;
      }
      const ms = Math.max(1, Date.now() - t0);
      batches++;
      batchMs.push(ms);
      rowsMoved += result.updated;
      totalDone += result.updated;
      cp.rowsDone += result.updated;
      cp.lastKey = result.hi;
      const rate = (result.keys * 1000) / ms;
      cp.emaRowsPerSec = cp.emaRowsPerSec > 0 ? EMA_ALPHA * rate + (1 - EMA_ALPHA) * cp.emaRowsPerSec : rate;
      cp.batchSize = nextBatchSize(size, cp.emaRowsPerSec, ms, bounds);
      const elapsed = Math.max(1, Date.now() - started);
      const rowsPerSec = ((totalDone - doneAtStart) * 1000) / elapsed;
      const remaining = Math.max(0, totalEstimated - totalDone);
      opts.onEvent?.({
        type: "backfill",
        migrationId: ctx.migrationId,
        task: cp.task,
        rowsDone: totalDone,
        rowsEstimated: Math.max(totalEstimated, totalDone),
        rowsPerSec,
        etaMs: rowsPerSec > 0 && totalDone - doneAtStart > 0 ? (remaining * 1000) / rowsPerSec : undefined,
        batchSize: size,
        batchMs: ms,
      });
      if (policy.niceRatio > 0) await sleep(Math.round(policy.niceRatio * ms));
      await opts.barrier?.({ point: "batch", migrationId: ctx.migrationId, task: cp.task, direction, batches });
    }
  }
  return { status: "done", rowsMoved, batches, batchMs };
}

/**
 * Repair pass: re-walks every scope from the start (no checkpoint) fixing rows still pending, e.g. rows that
 * committed below the walk with a lower key while it ran. Returns the rows fixed.
 */
export async function repairSweep(session: DbSession, task: BackfillTask, direction: "forward" | "reverse", maxBatch = 5000): Promise<number> {
  const d = session.dialect;
  const parts = sqlParts(task, direction);
  const scopes = await session.query<{ scope_value: unknown }>(task.scopes.sql, task.scopes.params ?? []);
  let fixed = 0;
  const size = Math.min(maxBatch, d.maxBatchRows);
  for (const s of scopes.rows) {
    let last = KEY_MIN;
    for (;;) {
      const r = await withRetry(
        () =>
          session.transaction(async (tx) => {
            const hiRow = await tx.query<{ hi: unknown }>(d.nextKeySql(parts), [Number(s.scope_value), last, size]);
            const hi = hiRow.rows[0]?.hi;
            if (hi === null || hi === undefined) return undefined;
            const upd = await tx.query(d.backfillBatchSql(parts), [Number(s.scope_value), last, String(hi)]);
            return { hi: String(hi), n: upd.rowCount };
          }),
        { isRetryable: (e) => d.isRetryable(e) },
      );
      if (!r) break;
      fixed += r.n;
      last = r.hi;
    }
  }
  return fixed;
}
