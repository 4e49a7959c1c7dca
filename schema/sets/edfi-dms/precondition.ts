// Which databases `edfi-dms` may touch: one without the DMS tables (it creates them), or one whose tables and
// indexes are sqlfleet's fresh-create shape (it adopts it, creating missing sqlfleet functions). Anything else — a database created by the DMS's own deploy scripts
// included, whose index names and functions differ (issue 10) — is refused before the first change, naming
// the first object that differs.
import type { SqlStatement } from "../../types";
import { BASELINE_SHAPE } from "./shape";
import { expectedFunctions, expectedIndexes } from "./catalog-checks";

export function shapePrecondition(): { name: string; sql: SqlStatement } {
  // table:index pairs, without the schema prefix of the index (pg_indexes keys on it).
  const indexes = expectedIndexes(BASELINE_SHAPE).map((n) => n.replace(/^dms\./, ""));
  return {
    name: "an empty dms schema or sqlfleet's fresh-create shape",
    sql: {
      sql: `SELECT (
        SELECT p FROM (
          SELECT 0 AS o, x.i AS i, format('table dms.%s: expected (the three tables are created together), found nothing', x.t) AS p
            FROM unnest(ARRAY['document', 'alias', 'reference']) WITH ORDINALITY AS x(t, i)
           WHERE to_regclass('dms.' || x.t) IS NULL
          UNION ALL
          SELECT 1, x.i, format('index dms.%s.%s: expected (sqlfleet''s fresh-create shape), found the indexes [%s]',
                                split_part(x.spec, ':', 1), split_part(x.spec, ':', 2),
                                (SELECT string_agg(ix.indexname, ', ' ORDER BY ix.indexname) FROM pg_indexes ix
                                  WHERE ix.schemaname = 'dms' AND ix.tablename = split_part(x.spec, ':', 1)))
            FROM unnest($1::text[]) WITH ORDINALITY AS x(spec, i)
           WHERE to_regclass('dms.' || split_part(x.spec, ':', 1)) IS NOT NULL
             AND NOT EXISTS (SELECT 1 FROM pg_indexes ix WHERE ix.schemaname = 'dms'
                               AND ix.tablename = split_part(x.spec, ':', 1) AND ix.indexname = split_part(x.spec, ':', 2))
          UNION ALL
          -- Missing sqlfleet functions are created (an interrupted create resumes); a foreign InsertReferences is
          -- the application's code and is never replaced.
          SELECT 2, 1, format('function %s returns %s: expected %s (sqlfleet''s fresh-create shape)',
                              $2::text, pg_get_function_result(to_regprocedure($2::text)), $3::text)
           WHERE to_regprocedure($2::text) IS NOT NULL AND pg_get_function_result(to_regprocedure($2::text)) <> $3::text
        ) d
        WHERE EXISTS (SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                       WHERE n.nspname = 'dms' AND c.relname IN ('document', 'alias', 'reference'))
        ORDER BY o, i LIMIT 1) AS first_difference`,
      params: [indexes, expectedFunctions()[0], "TABLE(invalidreferentialid uuid)"],
    },
  };
}
