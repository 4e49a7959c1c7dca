// Table statistics the planner reads: rows and bytes per resource-type partition, index sizes, and free storage
// when knowable. PostgreSQL: catalog estimates (pg_class.reltuples, relation sizes); conformance rows of the
// default leaf are counted exactly (it holds the types without their own leaf; normally small). SQL Server:
// sys.dm_db_partition_stats per partition of dbo.Resource, free = DATABASEPROPERTYEX MaxSizeInBytes − used
// (T-SQL below, statically checked; run by the MSSQL_URL contract suite).
import type { DbSession } from "../../types";
import type { LeafStats, TableStats } from "./types";

const PG_LEAVES = `
  SELECT c.relname AS leaf, t.name AS resource_type,
         CASE WHEN c.reltuples < 0 THEN coalesce(s.n_live_tup, 0) ELSE c.reltuples END::float8 AS rows,
         pg_relation_size(c.oid)::float8 AS heap_bytes,
         pg_indexes_size(c.oid)::float8 AS index_bytes,
         (pg_total_relation_size(c.oid) - pg_relation_size(c.oid) - pg_indexes_size(c.oid))::float8 AS toast_bytes,
         pg_get_expr(c.relpartbound, c.oid) = 'DEFAULT' AS is_default,
         coalesce(t.name = ANY($1::text[]), false) AS conformance
    FROM pg_inherits i
    JOIN pg_class c ON c.oid = i.inhrelid
    LEFT JOIN pg_stat_user_tables s ON s.relid = c.oid
    LEFT JOIN fhir.resource_type t
      ON pg_get_expr(c.relpartbound, c.oid) <> 'DEFAULT'
     AND t.resource_type_id = substring(pg_get_expr(c.relpartbound, c.oid) from '-?[0-9]+')::int
   WHERE i.inhparent = 'fhir.resource'::regclass
   ORDER BY c.relname`;

/** Reads the statistics of fhir.resource on PostgreSQL (read-only). */
export async function readPostgresStats(session: DbSession, conformanceTypes: string[], freeBytes?: number): Promise<TableStats> {
  const present = await session.query<{ ok: boolean }>("SELECT to_regclass('fhir.resource') IS NOT NULL AND to_regclass('fhir.resource_type') IS NOT NULL AS ok");
  if (!present.rows[0]?.ok) throw new Error("strategy planner: fhir.resource / fhir.resource_type do not exist in this database (nothing to migrate yet)");
  const r = await session.query<Record<string, unknown>>(PG_LEAVES, [conformanceTypes]);
  const leaves: LeafStats[] = [];
  for (const x of r.rows) {
    const rows = Math.round(Number(x.rows));
    let conformanceRows = x.conformance ? rows : 0;
    if (x.is_default) {
      const c = await session.query<{ n: string }>(
        `SELECT count(*)::text AS n FROM fhir.resource r
          WHERE r.tableoid = (SELECT oid FROM pg_class WHERE relname = $1 AND relnamespace = 'fhir'::regnamespace)
            AND r.resource_type_id IN (SELECT resource_type_id FROM fhir.resource_type WHERE name = ANY($2::text[]))`,
        [String(x.leaf), conformanceTypes],
      );
      conformanceRows = Number(c.rows[0]?.n ?? 0);
    }
    leaves.push({
      leaf: String(x.leaf),
      resourceType: x.resource_type ? String(x.resource_type) : undefined,
      rows,
      conformanceRows,
      heapBytes: Number(x.heap_bytes),
      indexBytes: Number(x.index_bytes),
      toastBytes: Number(x.toast_bytes),
    });
  }
  const db = await session.query<{ b: string }>("SELECT pg_database_size(current_database())::text AS b");
  return {
    engine: "postgres",
    table: "fhir.resource",
    leaves,
    databaseBytes: Number(db.rows[0]?.b ?? 0),
    freeBytes,
    freeBytesSource: freeBytes === undefined ? "unknown (PostgreSQL does not report free disk; pass --free-storage-gb)" : "given by the operator",
    rowsSource: "pg_class.reltuples (catalog estimate, as of the last ANALYZE/VACUUM); default leaf conformance rows counted",
  };
}

/**
 * SQL Server: rows and bytes per partition of dbo.Resource with the resource type resolved by name (ids differ
 * per database), and the database's free space. @p1 = JSON array of conformance type names.
 */
export const MSSQL_STATS_SQL = `
SELECT ps.partition_number AS partition_number,
       rt.Name AS resource_type,
       SUM(CASE WHEN ps.index_id IN (0, 1) THEN ps.row_count ELSE 0 END) AS rows,
       SUM(CASE WHEN ps.index_id IN (0, 1) THEN ps.in_row_used_page_count ELSE 0 END) * 8192 AS heap_bytes,
       SUM(CASE WHEN ps.index_id IN (0, 1) THEN ps.lob_used_page_count + ps.row_overflow_used_page_count ELSE 0 END) * 8192 AS toast_bytes,
       SUM(CASE WHEN ps.index_id > 1 THEN ps.used_page_count ELSE 0 END) * 8192 AS index_bytes,
       CASE WHEN rt.Name IN (SELECT [value] FROM OPENJSON(@p1)) THEN 1 ELSE 0 END AS conformance
  FROM sys.dm_db_partition_stats AS ps
  LEFT JOIN dbo.ResourceType AS rt ON $PARTITION.PartitionFunction_ResourceTypeId(rt.ResourceTypeId) = ps.partition_number
 WHERE ps.object_id = OBJECT_ID(N'dbo.Resource')
 GROUP BY ps.partition_number, rt.Name
 ORDER BY ps.partition_number;
SELECT CAST(DATABASEPROPERTYEX(DB_NAME(), 'MaxSizeInBytes') AS bigint) AS max_bytes,
       (SELECT SUM(CAST(FILEPROPERTY(name, 'SpaceUsed') AS bigint)) * 8192 FROM sys.database_files WHERE type_desc = 'ROWS') AS used_bytes;`;
