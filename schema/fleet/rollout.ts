// A fleet rollout of one migration set: waves over the environment's databases, each database's own ledger as
// the only state (completed ones are skipped by a ledger probe; paused or crashed ones resume from checkpoints).
import { setStatus } from "../plan";
import { applySet } from "../runner";
import { buildSet } from "../sets";
import type { RunnerEvent } from "../types";
import type { FleetConnector } from "./connect";
import { runWaves, type FleetResult } from "./scheduler";
import type { FleetEvent, FleetTarget, Wave } from "./types";

export interface RolloutOptions {
  setName: string;
  options?: Record<string, unknown>;
  waves: Wave[];
  connector: FleetConnector;
  concurrency: number;
  perPool: number;
  shouldPause?: () => boolean;
  onEvent?: (e: FleetEvent) => void;
  /** Test hook: awaited inside a database's run before applying (a barrier for deterministic interleavings). */
  beforeApply?: (t: FleetTarget) => Promise<void>;
}

async function withSession<T>(c: FleetConnector, t: FleetTarget, fn: (s: Awaited<ReturnType<FleetConnector["open"]>>) => Promise<T>): Promise<T> {
  const s = await c.open(t);
  try {
    return await fn(s);
  } finally {
    await s.close().catch(() => undefined);
  }
}

/** The set's state on one database, from its ledger alone. */
export async function ledgerState(c: FleetConnector, t: FleetTarget, setName: string, options: Record<string, unknown> = {}): Promise<string> {
  return withSession(c, t, async (s) => (await setStatus(s, setName, buildSet(setName, s.dialect.engine, options))).state);
}

export async function rollout(o: RolloutOptions): Promise<FleetResult> {
  return runWaves(o.waves, {
    concurrency: o.concurrency,
    perPool: o.perPool,
    shouldPause: o.shouldPause,
    onEvent: o.onEvent,
    probe: async (t) => (await ledgerState(o.connector, t, o.setName, o.options)) === "completed",
    run: async (t, hooks) => {
      // Any error, the connection's included, is reported through the connector's redaction (no credentials).
      const failed = (e: unknown) => ({ outcome: "failed" as const, rowsMoved: 0, error: o.connector.redact(e instanceof Error ? e.message : String(e)) });
      try {
        return await withSession(o.connector, t, async (s) => {
          await o.beforeApply?.(t);
          const r = await applySet(s, buildSet(o.setName, s.dialect.engine, o.options ?? {}), {
            shouldPause: hooks.shouldPause,
            onEvent: (e: RunnerEvent) => hooks.onEvent(e),
            appliedBy: `sqlfleet schema rollout (${t.stack})`,
          });
          return { outcome: r.state === "paused" ? ("paused" as const) : ("completed" as const), rowsMoved: r.rowsMoved };
        });
      } catch (e) {
        return failed(e);
      }
    },
  });
}

export interface FleetStatusRow {
  id: string;
  pool: string;
  state: string;
  error?: string;
}

/** `schema status <env>`: every target's state read from its ledger (no other state exists). */
export async function fleetStatus(targets: readonly FleetTarget[], c: FleetConnector, setName: string, options: Record<string, unknown> = {}): Promise<FleetStatusRow[]> {
  const rows: FleetStatusRow[] = [];
  for (const t of targets) {
    try {
      rows.push({ id: t.id, pool: t.pool, state: await ledgerState(c, t, setName, options) });
    } catch (e) {
      rows.push({ id: t.id, pool: t.pool, state: "unreachable", error: c.redact(e instanceof Error ? e.message : String(e)) });
    }
  }
  return rows;
}
