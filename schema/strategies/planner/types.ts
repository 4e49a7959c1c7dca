// Shapes of the strategy planner: table statistics in, per-strategy estimates and a recommendation out.
import type { Engine } from "../../types";

/** One resource-type partition (PostgreSQL leaf / SQL Server partition of PartitionScheme_ResourceTypeId). */
export interface LeafStats {
  leaf: string;
  /** Resource type name; undefined for the default leaf (several types). */
  resourceType?: string;
  rows: number;
  /** Rows of conformance types in this leaf (moved to partition 1). */
  conformanceRows: number;
  heapBytes: number;
  indexBytes: number;
  /** TOAST / LOB bytes. */
  toastBytes: number;
}

export interface TableStats {
  engine: Engine;
  table: string;
  leaves: LeafStats[];
  /** Bytes of the whole database. */
  databaseBytes: number;
  /** Free storage for the database, when knowable (Azure SQL max size − used, or given by the operator). */
  freeBytes?: number;
  freeBytesSource?: string;
  /** Where the row counts come from (catalog estimate vs exact). */
  rowsSource: string;
}

export interface LockWindow {
  operation: string;
  mode: string;
  scope: string;
  /** Blocks the application's writes (and, for AccessExclusive / Sch-M, its reads) of the scope while held. */
  blocksWrites: boolean;
  /** How many times it is taken (e.g. once per leaf). */
  count: number;
  /** Estimated length of one window. */
  ms: number;
}

export interface Risk {
  level: "low" | "medium" | "high";
  text: string;
}

export interface PhaseEstimate {
  phase: string;
  ms: number;
  basis: string;
}

export interface StrategyEstimate {
  strategy: "incremental" | "staging";
  feasible: boolean;
  durationMs: number;
  phases: PhaseEstimate[];
  /** Peak extra storage during the migration (the staging copy, new indexes, dead row versions). */
  extraBytes: number;
  extraBasis: string;
  lockWindows: LockWindow[];
  /** Longest window that blocks the application's writes, and which operation takes it. */
  longestBlockingMs: number;
  longestBlockingWhat: string;
  rollback: string;
  risks: Risk[];
  riskScore: number;
}

export interface StrategyPlan {
  stats: TableStats;
  estimates: StrategyEstimate[];
  /** The planner's pick. */
  recommended: "incremental" | "staging";
  /** What will run: the pick under "auto", else the forced strategy. */
  chosen: "incremental" | "staging";
  mode: "auto" | "incremental" | "staging";
  reasons: string[];
}
