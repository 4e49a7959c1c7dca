// Values of a fleet rollout: its targets (one database each), waves, and the events a watcher receives.
import type { Engine, RunnerEvent } from "../types";

export interface FleetTarget {
  /** Stable, printable id: "<customer>/<database>". */
  id: string;
  stack: string;
  customer: string;
  database: string;
  engine: Engine;
  serverFqdn: string;
  /** The elastic pool's name, or "hyperscale:<database>" (a Hyperscale database counts alone). */
  pool: string;
  sizeGb: number;
}

export interface Wave {
  index: number;
  kind: "canary" | "batch";
  targets: FleetTarget[];
}

export type TargetOutcome = "completed" | "skipped" | "paused" | "failed" | "not-started";

export type FleetEvent =
  | { type: "wave-start"; wave: number; kind: Wave["kind"]; databases: string[] }
  | { type: "wave-end"; wave: number; outcome: "completed" | "paused" | "failed" }
  | { type: "db-start"; wave: number; db: string; pool: string }
  | { type: "db-end"; wave: number; db: string; pool: string; outcome: TargetOutcome; rowsMoved: number; error?: string }
  | { type: "db-progress"; wave: number; db: string; pool: string; event: RunnerEvent }
  | { type: "stopped"; reason: string };
