// Migration 0002: lower fillfactor on the write-hot dms.Reference indexes, then rebuild each leaf index with
// REINDEX INDEX CONCURRENTLY so the free space exists now, not only after future page splits. Partitioned
// indexes take no fillfactor, so both run per leaf index (ShareUpdateExclusive on that leaf; writes continue).
import type { Migration, SqlStatement } from "../../types";
import { INVALID_REFERENCE_INDEXES, leafIndexes, missingReloptions, reloptionsOf } from "./catalog-sql";
import type { EdfiTuningOptions } from "./options";

/** The partitioned indexes every Reference write maintains (those absent in a shape are skipped). */
export const HOT_REFERENCE_INDEXES = [
  "dms.reference_pkey",
  "dms.ux_reference_parentdocumentid",
  "dms.ux_reference_referenceddocumentid",
  "dms.ix_fk_reference_referencedalias",
];

const LEAF_INDEX_LOCK = {
  mode: "ShareUpdateExclusive",
  on: "one dms.reference_NN leaf (REINDEX INDEX CONCURRENTLY)",
  brief: false,
  scans: true,
};

/** The comment marking a leaf index as built with the fillfactor (also written by the rebuilds of 0005/0006). */
export function rebuiltMark(fillfactor: number): string {
  return `sqlfleet edfi-dms-tuning: rebuilt with fillfactor ${fillfactor}`;
}

export function fillfactorMigration(o: EdfiTuningOptions): Migration {
  const hot = leafIndexes(HOT_REFERENCE_INDEXES);
  const wanted = [`fillfactor=${o.indexFillfactor}`];
  // The reloption alone cannot tell "set" from "set and rebuilt" (a run killed between ALTER and REINDEX would
  // look done). A comment written after the rebuild marks each leaf index as finished; a resumed run redoes
  // only the unmarked ones.
  const mark = rebuiltMark(o.indexFillfactor);
  const unfinished: SqlStatement = {
    sql: `SELECT h.idx FROM (${hot.sql}) h WHERE obj_description(h.idx::regclass, 'pg_class') IS DISTINCT FROM $2`,
    params: [...(hot.params ?? []), mark],
  };
  const dropLeftovers: { forEach: { rows: SqlStatement; statements: SqlStatement[] } } = {
    forEach: { rows: INVALID_REFERENCE_INDEXES, statements: [{ sql: "DROP INDEX CONCURRENTLY IF EXISTS {{idx:qualified}}", autocommit: true }] },
  };
  const reindexAll = {
    forEach: { rows: hot, statements: [{ sql: "REINDEX INDEX CONCURRENTLY {{idx:qualified}}", autocommit: true }] },
  };
  return {
    id: "0002-reference-index-fillfactor",
    description: `fillfactor ${o.indexFillfactor} on the write-hot dms.Reference indexes, rebuilt concurrently per leaf`,
    steps: [
      {
        name: "fillfactor-and-reindex",
        kind: "index",
        description: `per leaf index: ALTER INDEX ... SET (fillfactor = ${o.indexFillfactor}); REINDEX INDEX CONCURRENTLY ...`,
        lock: LEAF_INDEX_LOCK,
        transactional: false,
        // Done when there are hot leaf indexes and every one carries the marker (written after its rebuild).
        done: {
          sql: `SELECT EXISTS (${hot.sql}) AND NOT EXISTS (${unfinished.sql}) AS done`,
          params: unfinished.params,
        },
        beforeImage: reloptionsOf(hot, "idx", ["fillfactor"]),
        up: [
          // A REINDEX CONCURRENTLY killed half-way leaves an invalid _ccnew index behind.
          dropLeftovers,
          {
            forEach: {
              rows: unfinished,
              statements: [
                {
                  sql: `ALTER INDEX {{idx:qualified}} SET (fillfactor = ${o.indexFillfactor})`,
                  autocommit: true,
                  lock: { mode: "ShareUpdateExclusive", on: "one leaf index", brief: true },
                },
                { sql: "REINDEX INDEX CONCURRENTLY {{idx:qualified}}", autocommit: true },
                { sql: `COMMENT ON INDEX {{idx:qualified}} IS '${mark}'`, autocommit: true },
              ],
            },
          },
        ],
        down: [
          dropLeftovers,
          { forEach: { rows: hot, statements: [{ sql: "ALTER INDEX {{idx:qualified}} RESET (fillfactor)", autocommit: true }] } },
          { forEach: { rows: "beforeImage", statements: [{ sql: "ALTER INDEX {{rel:qualified}} SET (fillfactor = {{value:number}})", autocommit: true }] } },
          reindexAll,
          { forEach: { rows: hot, statements: [{ sql: "COMMENT ON INDEX {{idx:qualified}} IS NULL", autocommit: true }] } },
        ],
        estimateRows: { sql: "SELECT coalesce(sum(greatest(reltuples, 0)), 0)::bigint AS n FROM pg_class WHERE oid IN (SELECT relid FROM pg_partition_tree('dms.reference') WHERE isleaf)" },
      },
      {
        name: "validate",
        kind: "validate",
        description: "every hot leaf index has the fillfactor and is valid",
        lock: { mode: "AccessShare", on: "catalog only", brief: true },
        transactional: false,
        up: [],
        checks: [
          { name: "hot Reference leaf indexes without the fillfactor", sql: missingReloptions(hot, "idx", wanted) },
          { name: "invalid Reference leaf indexes", sql: { sql: `SELECT count(*)::int FROM (${INVALID_REFERENCE_INDEXES.sql}) s` } },
        ],
      },
    ],
  };
}
