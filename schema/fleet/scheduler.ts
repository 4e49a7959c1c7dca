// Drives the waves: a wave starts only when every database of the previous one completed (and validated); inside
// a wave at most `concurrency` databases run, and at most `perPool` per elastic pool (a Hyperscale database is
// its own pool). A failure or a pause stops new starts; running databases finish (or pause at a batch boundary).
import type { FleetEvent, FleetTarget, TargetOutcome, Wave } from "./types";
import type { RunnerEvent } from "../types";

export interface TargetRun {
  outcome: Extract<TargetOutcome, "completed" | "paused" | "failed">;
  rowsMoved: number;
  error?: string;
}

export interface SchedulerOptions {
  concurrency: number;
  perPool: number;
  /** Cheap ledger probe: true when the set is already completed on this database (it is then skipped). */
  probe(target: FleetTarget): Promise<boolean>;
  /** Runs the set on one database; must stop at a batch boundary once `shouldPause()` is true. */
  run(target: FleetTarget, hooks: { shouldPause: () => boolean; onEvent: (e: RunnerEvent) => void }): Promise<TargetRun>;
  shouldPause?: () => boolean;
  onEvent?: (e: FleetEvent) => void;
}

export interface FleetResult {
  state: "completed" | "paused" | "failed";
  databases: { id: string; pool: string; wave: number; outcome: TargetOutcome; rowsMoved: number; error?: string }[];
}

function positiveInt(name: string, v: number): void {
  if (!Number.isInteger(v) || v < 1 || v > 1000) throw new Error(`${name} must be an integer from 1 to 1000; got ${v}`);
}

export async function runWaves(waves: readonly Wave[], opts: SchedulerOptions): Promise<FleetResult> {
  positiveInt("--concurrency", opts.concurrency);
  positiveInt("--per-pool", opts.perPool);
  const emit = (e: FleetEvent) => opts.onEvent?.(e);
  const outcomes = new Map<string, FleetResult["databases"][number]>();
  for (const w of waves) for (const t of w.targets) outcomes.set(t.id, { id: t.id, pool: t.pool, wave: w.index, outcome: "not-started", rowsMoved: 0 });
  let stop: "paused" | "failed" | undefined;
  const pausing = () => stop === "paused" || (opts.shouldPause?.() ?? false);

  for (const wave of waves) {
    if (!stop && pausing()) stop = "paused";
    if (stop) break;
    emit({ type: "wave-start", wave: wave.index, kind: wave.kind, databases: wave.targets.map((t) => t.id) });
    const queue = [...wave.targets];
    const running = new Map<string, Promise<void>>();
    const perPool = new Map<string, number>();
    const finish = (t: FleetTarget, outcome: TargetOutcome, rowsMoved: number, error?: string) => {
      Object.assign(outcomes.get(t.id)!, { outcome, rowsMoved, error });
      if (outcome === "failed") stop = "failed";
      else if (outcome === "paused" && !stop) stop = "paused";
    };
    const start = (t: FleetTarget) => {
      const p = (async () => {
        if (await opts.probe(t).catch(() => false)) {
          finish(t, "skipped", 0);
          emit({ type: "db-end", wave: wave.index, db: t.id, pool: t.pool, outcome: "skipped", rowsMoved: 0 });
          return;
        }
        emit({ type: "db-start", wave: wave.index, db: t.id, pool: t.pool });
        let r: TargetRun;
        try {
          r = await opts.run(t, { shouldPause: pausing, onEvent: (event) => emit({ type: "db-progress", wave: wave.index, db: t.id, pool: t.pool, event }) });
        } catch (e) {
          r = { outcome: "failed", rowsMoved: 0, error: e instanceof Error ? e.message : String(e) };
        }
        finish(t, r.outcome, r.rowsMoved, r.error);
        emit({ type: "db-end", wave: wave.index, db: t.id, pool: t.pool, outcome: r.outcome, rowsMoved: r.rowsMoved, error: r.error });
      })().finally(() => {
        running.delete(t.id);
        perPool.set(t.pool, (perPool.get(t.pool) ?? 1) - 1);
      });
      running.set(t.id, p);
    };
    // A pool's slot is taken before the probe (released when the database ends) so a pool never runs two at once.
    for (;;) {
      if (!stop && pausing()) stop = "paused";
      if (!stop) {
        for (let i = 0; i < queue.length && running.size < opts.concurrency; ) {
          const t = queue[i];
          if ((perPool.get(t.pool) ?? 0) >= opts.perPool) {
            i++;
            continue;
          }
          queue.splice(i, 1);
          perPool.set(t.pool, (perPool.get(t.pool) ?? 0) + 1);
          start(t);
        }
      }
      if (running.size === 0) break;
      await Promise.race(running.values());
    }
    const waveOutcome = stop ?? "completed";
    emit({ type: "wave-end", wave: wave.index, outcome: waveOutcome });
  }
  if (stop) emit({ type: "stopped", reason: stop === "failed" ? "a database failed; no new databases were started" : "paused; run the same command again to resume" });
  return { state: stop ?? "completed", databases: [...outcomes.values()] };
}
