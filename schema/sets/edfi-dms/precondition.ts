// Which databases `edfi-dms` may touch: one without the DMS tables (it creates them), or one whose write path is
// the DMS's catalog object for object (dms-catalog.ts) — whether the DMS's deploy scripts or an earlier run of
// this set built it. Such a database is adopted as it is: nothing is created or replaced, the application's
// InsertReferences included (any definition with the DMS's signature and result is the application's code).
// Anything else is refused before the first change, naming the first object that differs.
import type { SqlStatement } from "../../types";
import { DMS_TABLES, expectedColumns, expectedConstraintFacts, expectedIndexFacts } from "./dms-catalog";
import { INSERT_REFERENCES_IDENTITY, INSERT_REFERENCES_RESULT } from "./functions";
import { BASELINE_SHAPE, DOCUMENT_PARTITIONS, ALIAS_PARTITIONS } from "./shape";

/** The catalog query's rendering of a column (kept next to the facts' format in dms-catalog.ts). */
const COLUMN_SPEC = `a.attname || ' ' || format_type(a.atttypid, a.atttypmod)
  || CASE WHEN a.attnotnull THEN ' not null' ELSE '' END
  || CASE WHEN a.attidentity <> '' THEN ' identity' ELSE '' END
  || coalesce(' default ' || pg_get_expr(d.adbin, d.adrelid), '')`;

export function shapePrecondition(): { name: string; sql: SqlStatement } {
  const cols = expectedColumns(BASELINE_SHAPE);
  const idx = expectedIndexFacts(BASELINE_SHAPE);
  const cons = expectedConstraintFacts(BASELINE_SHAPE);
  const ordinals = cols.map((c, i) => cols.slice(0, i + 1).filter((x) => x.table === c.table).length);
  return {
    name: "an empty dms schema or the DMS's write-path catalog",
    sql: {
      sql: `WITH
  t(name) AS (SELECT unnest($1::text[])),
  exp_col AS (SELECT * FROM unnest($2::text[], $3::int[], $4::text[]) AS e(tbl, n, spec)),
  act_col AS (
    SELECT c.relname::text AS tbl, row_number() OVER (PARTITION BY c.relname ORDER BY a.attnum)::int AS n, ${COLUMN_SPEC} AS spec
      FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid
      LEFT JOIN pg_attrdef d ON d.adrelid = c.oid AND d.adnum = a.attnum
     WHERE c.relnamespace = to_regnamespace('dms') AND c.relname IN (SELECT name FROM t) AND a.attnum > 0 AND NOT a.attisdropped),
  exp_idx AS (SELECT * FROM unnest($5::text[], $6::text[], $7::text[]) AS e(tbl, name, def)),
  act_idx AS (
    SELECT c.relname::text AS tbl, ic.relname::text AS name, pg_get_indexdef(i.indexrelid) AS def
      FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid JOIN pg_class ic ON ic.oid = i.indexrelid
     WHERE c.relnamespace = to_regnamespace('dms') AND c.relname IN (SELECT name FROM t)),
  exp_con AS (SELECT * FROM unnest($8::text[], $9::text[], $10::text[]) AS e(tbl, name, def)),
  act_con AS (
    SELECT c.relname::text AS tbl, k.conname::text AS name,
           pg_get_constraintdef(k.oid) || CASE WHEN k.condeferrable THEN '' ELSE ' not deferrable' END AS def
      FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid
     WHERE c.relnamespace = to_regnamespace('dms') AND c.relname IN (SELECT name FROM t) AND k.conparentid = 0
       AND k.contype <> 'n'), -- PostgreSQL 18 lists NOT NULL as constraints; the columns carry it
  diff(o, tbl, k, msg) AS (
    SELECT 0, name, '', format('table dms.%s: expected (the three tables come together), found nothing', name)
      FROM t WHERE to_regclass('dms.' || name) IS NULL
    UNION ALL
    SELECT 1, tbl, lpad(n::text, 4, '0'), format('column %s of dms.%s: expected %s, found %s', n, tbl, coalesce(e.spec, 'nothing'), coalesce(a.spec, 'nothing'))
      FROM exp_col e FULL JOIN act_col a USING (tbl, n) WHERE e.spec IS DISTINCT FROM a.spec AND to_regclass('dms.' || tbl) IS NOT NULL
    UNION ALL
    SELECT 2, tbl, name, format('index dms.%s.%s: expected %s, found %s', tbl, name, coalesce(e.def, 'no such index'), coalesce(a.def, 'nothing'))
      FROM exp_idx e FULL JOIN act_idx a USING (tbl, name) WHERE e.def IS DISTINCT FROM a.def AND to_regclass('dms.' || tbl) IS NOT NULL
       -- Further indexes on Document (the DMS's later scripts add its read indexes) are not ours: sqlfleet never
       -- rebuilds Document. On Alias and Reference every index must be known, or a rebuild would lose it.
       AND NOT (e.def IS NULL AND tbl = 'document')
    UNION ALL
    SELECT 3, tbl, name, format('constraint dms.%s.%s: expected %s, found %s', tbl, name, coalesce(e.def, 'no such constraint'), coalesce(a.def, 'nothing'))
      FROM exp_con e FULL JOIN act_con a USING (tbl, name) WHERE e.def IS DISTINCT FROM a.def AND to_regclass('dms.' || tbl) IS NOT NULL
    UNION ALL
    SELECT 4, x.tbl, '', format('table dms.%s: expected %s hash partitions, found %s', x.tbl, x.n, count(p.relid))
      FROM (VALUES ('document', ${DOCUMENT_PARTITIONS}), ('alias', ${ALIAS_PARTITIONS}), ('reference', ${BASELINE_SHAPE.referencePartitions})) AS x(tbl, n)
      LEFT JOIN LATERAL pg_partition_tree(to_regclass('dms.' || x.tbl)) p ON p.isleaf
     WHERE to_regclass('dms.' || x.tbl) IS NOT NULL GROUP BY x.tbl, x.n HAVING count(p.relid) <> x.n
    UNION ALL
    SELECT 5, 'document', c.relname, format('table dms.%s: expected REPLICA IDENTITY FULL, found %s', c.relname,
                 CASE c.relreplident WHEN 'd' THEN 'DEFAULT' WHEN 'n' THEN 'NOTHING' WHEN 'i' THEN 'USING INDEX' ELSE c.relreplident::text END)
      FROM pg_partition_tree(to_regclass('dms.document')) p JOIN pg_class c ON c.oid = p.relid
     WHERE to_regclass('dms.document') IS NOT NULL AND c.relreplident <> 'f'
    UNION ALL
    -- A missing function is created (an interrupted create resumes); one with another result is not ours to replace.
    SELECT 6, '', '', format('function %s returns %s: expected %s', $11::text, pg_get_function_result(to_regprocedure($11::text)), $12::text)
     WHERE to_regprocedure($11::text) IS NOT NULL AND pg_get_function_result(to_regprocedure($11::text)) <> $12::text)
SELECT (SELECT msg FROM diff
         WHERE EXISTS (SELECT 1 FROM pg_class c WHERE c.relnamespace = to_regnamespace('dms') AND c.relname IN (SELECT name FROM t))
         ORDER BY o, tbl, k LIMIT 1) AS first_difference`,
      params: [
        [...DMS_TABLES],
        cols.map((c) => c.table),
        ordinals,
        cols.map((c) => c.spec),
        idx.map((i) => i.table),
        idx.map((i) => i.name),
        idx.map((i) => i.def),
        cons.map((c) => c.table),
        cons.map((c) => c.name),
        cons.map((c) => c.def),
        INSERT_REFERENCES_IDENTITY,
        INSERT_REFERENCES_RESULT,
      ],
    },
  };
}
