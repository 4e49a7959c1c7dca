// Catalog queries shared by the tuning steps. Rows feed `forEach` templates, so they return schema-qualified
// names as "schema.name" text (`{{col:qualified}}`), option names as keywords and values as numbers.
import type { SqlStatement } from "../../types";

/** Leaf partitions of dms.Reference, as "dms.reference_NN". */
export const REFERENCE_LEAVES: SqlStatement = {
  sql: `SELECT n.nspname || '.' || c.relname AS leaf
          FROM pg_partition_tree('dms.reference') t
          JOIN pg_class c ON c.oid = t.relid
          JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE t.isleaf
         ORDER BY c.relname`,
};

/** Leaf indexes of the given partitioned indexes (missing ones are skipped), as "dms.<index>". */
export function leafIndexes(partitionedIndexes: string[]): SqlStatement {
  return {
    sql: `SELECT n.nspname || '.' || c.relname AS idx, tn.nspname || '.' || tc.relname AS leaf
            FROM unnest($1::text[]) AS p(name)
            CROSS JOIN LATERAL pg_partition_tree(to_regclass(p.name)) t
            JOIN pg_class c ON c.oid = t.relid
            JOIN pg_namespace n ON n.oid = c.relnamespace
            JOIN pg_index i ON i.indexrelid = c.oid
            JOIN pg_class tc ON tc.oid = i.indrelid
            JOIN pg_namespace tn ON tn.oid = tc.relnamespace
           WHERE t.isleaf
           ORDER BY 1`,
    params: [partitionedIndexes],
  };
}

/**
 * Reloption values (`key=value`) currently set on the relations a query returns in column `rel`,
 * restricted to `keys`; rows (rel, key, value). This is a step's before-image for reloption changes.
 */
export function reloptionsOf(relations: SqlStatement, relColumn: string, keys: string[]): SqlStatement {
  const offset = relations.params?.length ?? 0;
  return {
    sql: `SELECT r.${relColumn} AS rel, split_part(o.opt, '=', 1) AS key, split_part(o.opt, '=', 2) AS value
            FROM (${relations.sql}) r
            JOIN pg_class c ON c.oid = r.${relColumn}::regclass
            CROSS JOIN LATERAL unnest(coalesce(c.reloptions, '{}')) WITH ORDINALITY AS o(opt, ord)
           WHERE split_part(o.opt, '=', 1) = ANY ($${offset + 1}::text[])
           ORDER BY 1, o.ord`,
    params: [...(relations.params ?? []), keys],
  };
}

/**
 * True when every relation returned in column `rel` has all `wanted` reloptions (`key=value` strings).
 * Also false when the query returns no relation (nothing to tune means the target is absent, not done).
 */
export function allHaveReloptions(relations: SqlStatement, relColumn: string, wanted: string[]): SqlStatement {
  const offset = relations.params?.length ?? 0;
  return {
    sql: `SELECT coalesce(bool_and(coalesce(c.reloptions, '{}') @> $${offset + 1}::text[]), false) AS done
            FROM (${relations.sql}) r
            JOIN pg_class c ON c.oid = r.${relColumn}::regclass`,
    params: [...(relations.params ?? []), wanted],
  };
}

/** Count of relations (column `rel`) missing any of the `wanted` reloptions: a validation check. */
export function missingReloptions(relations: SqlStatement, relColumn: string, wanted: string[]): SqlStatement {
  const offset = relations.params?.length ?? 0;
  return {
    sql: `SELECT count(*)::int AS missing
            FROM (${relations.sql}) r
            JOIN pg_class c ON c.oid = r.${relColumn}::regclass
           WHERE NOT coalesce(c.reloptions, '{}') @> $${offset + 1}::text[]`,
    params: [...(relations.params ?? []), wanted],
  };
}

/** Invalid indexes left by an interrupted CONCURRENTLY build on Reference leaves (research/migrations.md §7.5 7). */
export const INVALID_REFERENCE_INDEXES: SqlStatement = {
  sql: `SELECT n.nspname || '.' || c.relname AS idx
          FROM pg_partition_tree('dms.reference') t
          JOIN pg_index i ON i.indrelid = t.relid
          JOIN pg_class c ON c.oid = i.indexrelid
          JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE t.isleaf AND NOT i.indisvalid
           AND NOT EXISTS (SELECT 1 FROM pg_inherits h WHERE h.inhrelid = i.indexrelid)`,
};
