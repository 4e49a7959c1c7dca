// On PostgreSQL the FHIR store is sqlfleet's own shape (the FHIR server has no PostgreSQL schema): fhir.resource,
// list-partitioned by resource type, in the logical shape of the server's dbo.Resource. An existing
// fhir.resource is adopted only when it is that shape; anything else is refused before anything is written,
// naming the first fact that differs.
import type { SqlStatement } from "../../types";

/** Columns of fhir.resource as `name format_type[ not null]`, in order. */
export const PG_RESOURCE_COLUMNS = [
  "resource_type_id smallint not null",
  "resource_id character varying(64) not null",
  "version integer not null",
  "is_history boolean not null",
  "resource_surrogate_id bigint not null",
  "is_deleted boolean not null",
  "request_method character varying(10)",
  "raw_resource bytea not null",
  "is_raw_resource_meta_set boolean not null",
  "search_param_hash character varying(64)",
  "transaction_id bigint",
  "history_transaction_id bigint",
];

/** Unique indexes of the store the later steps rely on (the partition-aware ones are re-keyed copies). */
const UNIQUE_INDEXES = ["ix_resource_type_rid_version", "ix_resource_type_rid", "pkc_resource"];

export function postgresStorePrecondition(): { name: string; sql: SqlStatement } {
  return {
    name: "fhir.resource absent, or sqlfleet's FHIR store",
    sql: {
      sql: `WITH exp AS (SELECT * FROM unnest($1::text[]) WITH ORDINALITY AS e(spec, n)),
  act AS (
    SELECT a.attname || ' ' || format_type(a.atttypid, a.atttypmod) || CASE WHEN a.attnotnull THEN ' not null' ELSE '' END AS spec,
           row_number() OVER (ORDER BY a.attnum) AS n
      FROM pg_attribute a WHERE a.attrelid = to_regclass('fhir.resource') AND a.attnum > 0 AND NOT a.attisdropped
       AND a.attname <> 'partition_id'),  -- added by 0002 (a resumed run finds it)
  diff(o, k, msg) AS (
    SELECT 1, coalesce(e.n, a.n), format('fhir.resource column %s: expected %s, found %s', coalesce(e.n, a.n), coalesce(e.spec, 'nothing'), coalesce(a.spec, 'nothing'))
      FROM exp e FULL JOIN act a USING (n) WHERE e.spec IS DISTINCT FROM a.spec
    UNION ALL
    SELECT 2, 0, format('fhir.resource: expected PARTITION BY LIST (resource_type_id), found %s',
                        coalesce(pg_get_partkeydef(to_regclass('fhir.resource')), 'an unpartitioned table'))
     WHERE coalesce(pg_get_partkeydef(to_regclass('fhir.resource')), '') <> 'LIST (resource_type_id)'
    UNION ALL
    SELECT 3, x.n, format('fhir.resource index %s: expected unique, found %s', x.name,
                          CASE WHEN to_regclass('fhir.' || x.name) IS NULL THEN 'nothing' ELSE 'not unique' END)
      FROM unnest($2::text[]) WITH ORDINALITY AS x(name, n)
     WHERE NOT EXISTS (SELECT 1 FROM pg_index i WHERE i.indexrelid = to_regclass('fhir.' || x.name)
                          AND i.indrelid = to_regclass('fhir.resource') AND i.indisunique))
SELECT (SELECT msg FROM diff WHERE to_regclass('fhir.resource') IS NOT NULL ORDER BY o, k LIMIT 1) AS first_difference`,
      params: [PG_RESOURCE_COLUMNS, UNIQUE_INDEXES],
    },
  };
}
