// The staging strategy of fhir-partitioning on PostgreSQL, as one migration the schema runner executes (same
// ledger, lock, checkpoints, retries, validation-before-completion and reverse-order rollback as the incremental
// strategy). Per live leaf of fhir.resource (one resource type each, plus the default leaf):
//   setup     staging leaf with the new schema (partition_id + partition-aware indexes), sync trigger, CHECKs
//   copy      batched key-range copy by the backfill executor (checkpointed, resumable, throttled)
//   validate  per leaf: rows and content hash of live vs staged, in one snapshot; partition ids of staged rows
//   cutover   per leaf, one short transaction: DETACH the live leaf, ATTACH the staged one (it keeps its indexes)
//   indexes   the partition-aware parent indexes, which now only attach the leaves' existing indexes
// Rollback switches each leaf back (writes since the cutover were mirrored into the retired leaf) until the
// retired leaves are dropped by the explicit, separate drop step (retire.ts).
import type { LockSpec, Migration, MigrationSet, MigrationStep } from "../../types";
import { bookkeepingDdl, DROP_FUNCTIONS, functionsDdl, registerLeavesSql } from "./postgres-functions";

export const STAGING_MIGRATION_ID = "0002-lightweight-partitioning-staging";
export const INCREMENTAL_MIGRATION_ID = "0002-lightweight-partitioning";
/** Marks the copy task so the session adapter (copy-session.ts) substitutes the copy statement. */
export const COPY_SET_MARKER = "partition_id = partition_id /* staging copy */";

export interface StagingOptions {
  /** lock_timeout of one leaf's cutover / switch back (pgroll uses 500 ms); retried with backoff. */
  cutoverLockTimeoutMs: number;
  /** Leaves with at most this many rows (catalog estimate) are re-counted and re-hashed under the cutover lock. */
  verifyUnderLockMaxRows: number;
}

// Re-hashing under the lock costs ~2 × rows / 90k rows/s (bench/strategies.bench.ts): 5,000 rows ≈ 110 ms.
export const DEFAULT_STAGING_OPTIONS: StagingOptions = { cutoverLockTimeoutMs: 500, verifyUnderLockMaxRows: 5_000 };

const lock = (mode: string, on: string, brief: boolean, scans = false): LockSpec => ({ mode, on, brief, scans });

function intOption(name: string, v: unknown, min: number, max: number): number {
  if (typeof v !== "number" || !Number.isInteger(v) || v < min || v > max) {
    throw new Error(`fhir-partitioning (strategy staging): option ${name} must be an integer from ${min} to ${max}; got ${JSON.stringify(v)}`);
  }
  return v;
}

export function parseStagingOptions(raw: Record<string, unknown> = {}): StagingOptions {
  return {
    cutoverLockTimeoutMs: intOption("cutoverLockTimeoutMs", raw.cutoverLockTimeoutMs ?? DEFAULT_STAGING_OPTIONS.cutoverLockTimeoutMs, 50, 60_000),
    verifyUnderLockMaxRows: intOption("verifyUnderLockMaxRows", raw.verifyUnderLockMaxRows ?? DEFAULT_STAGING_OPTIONS.verifyUnderLockMaxRows, 0, 100_000_000),
  };
}

/** The partition-aware index definitions of the incremental migration, re-targeted (kept identical by construction). */
function partitionIndexes(incremental: Migration): { name: string; onParent: string; onStaging: string }[] {
  const out = [];
  for (const s of incremental.steps.filter((x) => x.kind === "index")) {
    const first = s.up[0];
    const m = "sql" in first ? /^CREATE UNIQUE INDEX IF NOT EXISTS (\w+) ON ONLY fhir\.resource (\(.+)$/s.exec(first.sql) : null;
    if (!m) throw new Error(`staging strategy: cannot read the partition-aware index definition of step ${s.name}`);
    out.push({
      name: m[1],
      onParent: `CREATE UNIQUE INDEX IF NOT EXISTS ${m[1]} ON fhir.resource ${m[2]}`,
      onStaging: `CREATE UNIQUE INDEX IF NOT EXISTS ${m[1]}_stg ON fhir.resource_staging ${m[2]}`,
    });
  }
  if (out.length === 0) throw new Error("staging strategy: the incremental migration defines no partition-aware index");
  return out;
}

function stepNamed(m: Migration, name: string): MigrationStep {
  const s = m.steps.find((x) => x.name === name);
  if (!s) throw new Error(`staging strategy: the incremental migration has no step "${name}"`);
  return s;
}

/** Builds the staging migration from the incremental one (shared steps and definitions are reused, not copied). */
export function stagingMigration(incremental: Migration, conformanceTypes: string[], o: StagingOptions): Migration {
  const indexes = partitionIndexes(incremental);
  const backfill = stepNamed(incremental, "conformance-backfill");
  const finalChecks = stepNamed(incremental, "validate");
  const types = conformanceTypes;
  const setup: MigrationStep = {
    name: "staging-setup",
    kind: "ddl",
    description:
      "fhir.resource_staging (LIKE fhir.resource INCLUDING ALL + partition-aware indexes), one staging leaf per live leaf " +
      "with a CHECK of its bound, a trigger on each live leaf mirroring writes into staging, NOT VALID CHECKs on live leaves",
    lock: lock("ShareRowExclusive", "each live leaf (trigger creation), brief AccessExclusive for the NOT VALID CHECK", true),
    transactional: true,
    done: {
      sql: `SELECT to_regclass('fhir.resource_staging') IS NOT NULL AND NOT EXISTS (
              SELECT 1 FROM fhir.resource_swap w WHERE w.state = 'staged' AND NOT EXISTS (
                SELECT 1 FROM pg_trigger t WHERE t.tgrelid = to_regclass('fhir.' || quote_ident(w.leaf_name)) AND t.tgname = 'resource_staging_sync'))`,
    },
    up: [
      { sql: bookkeepingDdl() },
      ...functionsDdl(types, o.cutoverLockTimeoutMs).map((sql) => ({ sql })),
      { sql: "CREATE TABLE IF NOT EXISTS fhir.resource_staging (LIKE fhir.resource INCLUDING ALL) PARTITION BY LIST (resource_type_id)" },
      ...indexes.map((i) => ({ sql: i.onStaging })),
      { sql: registerLeavesSql() },
      { sql: "SELECT fhir.staging_prepare()" },
    ],
    down: [
      { sql: "SELECT fhir.staging_teardown() WHERE to_regproc('fhir.staging_teardown') IS NOT NULL AND to_regclass('fhir.resource_swap') IS NOT NULL" },
      { sql: "DROP TABLE IF EXISTS fhir.resource_staging" },
      ...DROP_FUNCTIONS.map((sql) => ({ sql })),
    ],
    downDone: {
      sql: "SELECT to_regclass('fhir.resource_swap') IS NULL AND to_regclass('fhir.resource_staging') IS NULL AND to_regproc('fhir.staging_cutover') IS NULL",
    },
  };
  const validateChecks: MigrationStep = {
    name: "validate-leaf-checks",
    kind: "ddl",
    description: "VALIDATE the CHECK of each live leaf (scan under ShareUpdateExclusive: writes continue) so a switch back needs no scan",
    lock: lock("ShareUpdateExclusive", "one live leaf at a time", false, true),
    transactional: false,
    up: [
      {
        forEach: {
          rows: {
            sql: `SELECT 'fhir.' || w.leaf_name AS leaf, w.chk_name FROM fhir.resource_swap w
                   JOIN pg_constraint c ON c.conrelid = to_regclass('fhir.' || quote_ident(w.leaf_name)) AND c.conname = w.chk_name
                  WHERE w.state = 'staged' AND NOT c.convalidated ORDER BY w.swap_id`,
          },
          statements: [{ sql: "ALTER TABLE {{leaf:qualified}} VALIDATE CONSTRAINT {{chk_name}}", autocommit: true }],
        },
      },
    ],
  };
  const copy: MigrationStep = {
    name: "copy",
    kind: "backfill",
    description: "copy every resource type into its staging leaf by key ranges (INSERT … SELECT … FOR SHARE ON CONFLICT DO NOTHING)",
    lock: lock("RowShare", "rows of one batch in one live leaf (FOR SHARE: blocks their UPDATE/DELETE for one batch)", false, true),
    transactional: true,
    up: [],
    backfill: {
      name: "copy",
      table: "fhir.resource",
      scopeColumn: "resource_type_id",
      keyColumn: "resource_surrogate_id",
      scopes: { sql: "SELECT resource_type_id AS scope_value, name AS scope_label FROM fhir.resource_type ORDER BY resource_type_id" },
      set: COPY_SET_MARKER,
      pending: "true",
      targetBatchMs: 300,
      initialBatch: 2000,
    },
    estimateRows: { sql: "SELECT coalesce(sum(c.reltuples), 0)::float8 FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'fhir.resource'::regclass" },
  };
  const validate: MigrationStep = {
    name: "validate-staging",
    kind: "validate",
    description: "per leaf: rows and content hash of the live leaf equal its staging leaf; staged partition ids are right",
    lock: lock("AccessShare", "live and staging leaves (reads)", false, true),
    transactional: false,
    up: [],
    checks: [
      {
        name: "leaves_with_count_or_checksum_mismatch",
        sql: { sql: "SELECT count(*)::bigint FROM fhir.staging_compare() c WHERE c.old_rows <> c.new_rows OR c.old_hash <> c.new_hash" },
      },
      {
        name: "staged_conformance_rows_not_in_partition_1",
        sql: {
          sql: `SELECT count(*)::bigint FROM fhir.resource_staging s
                 WHERE s.resource_type_id IN (SELECT resource_type_id FROM fhir.resource_type WHERE name = ANY($1::text[])) AND s.partition_id <> 1`,
          params: [types],
        },
      },
      {
        name: "staged_other_rows_in_partition_1",
        sql: {
          sql: `SELECT count(*)::bigint FROM fhir.resource_staging s
                 WHERE s.partition_id = 1 AND s.resource_type_id NOT IN (SELECT resource_type_id FROM fhir.resource_type WHERE name = ANY($1::text[]))`,
          params: [types],
        },
      },
      { name: "leaves_staged", report: true, sql: { sql: "SELECT count(*)::bigint FROM fhir.resource_swap WHERE state = 'staged'" } },
    ],
  };
  const cutover: MigrationStep = {
    name: "cutover",
    kind: "ddl",
    description: `per leaf, one transaction under lock_timeout ${o.cutoverLockTimeoutMs} ms: DETACH the live leaf, ATTACH its staged copy (indexes attach, no build; the CHECK spares the scan)`,
    lock: { ...lock("AccessExclusive", "fhir.resource (DETACH locks the parent: every type pauses), the leaf and its staging leaf", true), maintenanceWindow: false },
    transactional: false,
    up: [
      {
        forEach: {
          rows: { sql: "SELECT swap_id FROM fhir.resource_swap WHERE state = 'staged' ORDER BY bound_value IS NULL, swap_id" },
          statements: [{ sql: `SELECT fhir.staging_cutover({{swap_id:number}}, ${o.cutoverLockTimeoutMs}, ${o.verifyUnderLockMaxRows})`, autocommit: true }],
        },
      },
    ],
    down: [
      {
        forEach: {
          rows: { sql: "SELECT swap_id FROM fhir.resource_swap WHERE state IN ('swapped', 'dropped') ORDER BY bound_value IS NULL DESC, swap_id DESC" },
          statements: [{ sql: `SELECT fhir.staging_switch_back({{swap_id:number}}, ${o.cutoverLockTimeoutMs})`, autocommit: true }],
        },
      },
    ],
    downDone: { sql: "SELECT to_regclass('fhir.resource_swap') IS NULL" },
  };
  const parentIndexes: MigrationStep = {
    name: "partition-indexes",
    kind: "ddl",
    description: `${indexes.map((i) => i.name).join(", ")} on fhir.resource: every leaf already has them, so CREATE INDEX only attaches`,
    lock: lock("Share", "fhir.resource and its leaves (attach only, no build)", true),
    transactional: true,
    done: {
      sql: `SELECT count(*) = ${indexes.length} FROM pg_index WHERE indisvalid AND indexrelid IN (${indexes.map((_, i) => `to_regclass($${i + 1})`).join(", ")})`,
      params: indexes.map((i) => `fhir.${i.name}`),
    },
    up: indexes.map((i) => ({ sql: i.onParent })),
    down: [
      // Checked first: once retired leaves are dropped nothing may be undone.
      { sql: "SELECT fhir.staging_assert_reversible() WHERE to_regproc('fhir.staging_assert_reversible') IS NOT NULL AND to_regclass('fhir.resource_swap') IS NOT NULL" },
      ...indexes.map((i) => ({ sql: `DROP INDEX IF EXISTS fhir.${i.name}` })),
    ],
  };
  // Rows written after their leaf's cutover by an application that does not set partition_id yet.
  const sweep: MigrationStep = {
    ...backfill,
    name: "post-cutover-sweep",
    description: "final sweep: conformance rows written after the cutover with the default partition go to partition 1",
    backfill: { ...backfill.backfill!, name: "sweep", reverse: undefined },
    down: undefined,
    downDone: undefined,
  };
  const final: MigrationStep = {
    ...finalChecks,
    name: "validate",
    checks: [...(finalChecks.checks ?? []), { name: "leaves_not_switched", sql: { sql: "SELECT count(*)::bigint FROM fhir.resource_swap WHERE state = 'staged'" } }],
  };
  return {
    id: STAGING_MIGRATION_ID,
    description: "Partition lookup and partition_id, then every leaf rebuilt in a staging table with the new schema and switched in",
    steps: [
      stepNamed(incremental, "partition-table"),
      stepNamed(incremental, "partition-id-column"),
      setup,
      validateChecks,
      copy,
      validate,
      cutover,
      parentIndexes,
      sweep,
      final,
    ],
  };
}

/** The fhir-partitioning set with its second migration replaced by the staging strategy. */
export function stagingSet(incrementalSet: MigrationSet, raw: Record<string, unknown> = {}): MigrationSet {
  const o = parseStagingOptions(raw);
  const idx = incrementalSet.migrations.findIndex((m) => m.id === INCREMENTAL_MIGRATION_ID);
  if (idx < 0) throw new Error(`staging strategy: set ${incrementalSet.name} has no migration ${INCREMENTAL_MIGRATION_ID}`);
  const types = (incrementalSet.options.conformanceTypes as string[] | undefined) ?? [];
  const migrations = [...incrementalSet.migrations];
  migrations[idx] = stagingMigration(incrementalSet.migrations[idx], types, o);
  return { ...incrementalSet, options: { ...incrementalSet.options, strategy: "staging", ...o }, migrations };
}
