// A catalog snapshot of everything the DMS sets touch, for "rollback restores the before-image exactly".
// Reloptions are compared as sorted sets (ALTER ... RESET/SET may reorder an array without changing meaning);
// columns by name, type, nullability, identity and default in catalog order (the order is part of the table:
// a column dropped and re-added comes back last). Relations carry their kind, replica identity and bound.
import type { ClientBase } from "pg";

export interface CatalogSnapshot {
  relations: string[];
  reloptions: Record<string, string[]>;
  indexes: string[];
  constraints: string[];
  functions: Record<string, string>;
  columns: Record<string, string[]>;
  /** COMMENT ON … of dms relations (the fillfactor step marks rebuilt indexes with one). */
  comments: Record<string, string>;
}

export async function catalogSnapshot(c: ClientBase): Promise<CatalogSnapshot> {
  const rels = await c.query<{ name: string; kind: string; opts: string[] | null; bound: string | null }>(
    `SELECT c.relname AS name, c.relkind::text || ' replica=' || c.relreplident::text AS kind, c.reloptions AS opts,
            pg_get_expr(c.relpartbound, c.oid) AS bound
       FROM pg_class c WHERE c.relnamespace = 'dms'::regnamespace AND c.relkind IN ('r','p','i','I','S') ORDER BY 1`,
  );
  const idx = await c.query<{ d: string }>(
    "SELECT tablename || ' ' || indexname || ' ' || indexdef AS d FROM pg_indexes WHERE schemaname = 'dms' ORDER BY 1",
  );
  const cons = await c.query<{ d: string }>(
    `SELECT conrelid::regclass::text || ' ' || conname || ' ' || contype::text || ' ' || pg_get_constraintdef(oid)
            || ' deferrable=' || condeferrable || ' deferred=' || condeferred || ' valid=' || convalidated AS d
       FROM pg_constraint WHERE connamespace = 'dms'::regnamespace ORDER BY 1`,
  );
  const fns = await c.query<{ sig: string; def: string }>(
    `SELECT p.oid::regprocedure::text AS sig, pg_get_functiondef(p.oid) AS def
       FROM pg_proc p WHERE p.pronamespace = 'dms'::regnamespace ORDER BY 1`,
  );
  const cols = await c.query<{ rel: string; cols: string[] }>(
    `SELECT c.relname AS rel, array_agg(a.attname || ' ' || format_type(a.atttypid, a.atttypmod) || CASE WHEN a.attnotnull THEN ' not null' ELSE '' END
                                        || CASE WHEN a.attidentity <> '' THEN ' identity ' || a.attidentity::text ELSE '' END
                                        || coalesce(' default ' || pg_get_expr(d.adbin, d.adrelid), '') ORDER BY a.attnum) AS cols
       FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid
       LEFT JOIN pg_attrdef d ON d.adrelid = c.oid AND d.adnum = a.attnum
      WHERE c.relnamespace = 'dms'::regnamespace AND c.relkind IN ('r','p') AND a.attnum > 0 AND NOT a.attisdropped
      GROUP BY c.relname ORDER BY 1`,
  );
  const comments = await c.query<{ rel: string; d: string }>(
    `SELECT c.relname AS rel, d.description AS d FROM pg_class c
       JOIN pg_description d ON d.objoid = c.oid AND d.classoid = 'pg_class'::regclass AND d.objsubid = 0
      WHERE c.relnamespace = 'dms'::regnamespace ORDER BY 1`,
  );
  return {
    comments: Object.fromEntries(comments.rows.map((r) => [r.rel, r.d])),
    relations: rels.rows.map((r) => `${r.name} ${r.kind} ${r.bound ?? ""}`.trim()),
    reloptions: Object.fromEntries(rels.rows.filter((r) => r.opts).map((r) => [r.name, [...(r.opts ?? [])].sort()])),
    indexes: idx.rows.map((r) => r.d),
    constraints: cons.rows.map((r) => r.d),
    functions: Object.fromEntries(fns.rows.map((r) => [r.sig, r.def])),
    columns: Object.fromEntries(cols.rows.map((r) => [r.rel, r.cols])),
  };
}
