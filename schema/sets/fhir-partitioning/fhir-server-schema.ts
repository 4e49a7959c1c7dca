// Facts about the FHIR server's own SQL schema that fhir-partitioning relies on on SQL Server, read from
// microsoft/fhir-server at commit 14f52857e3233da279681ff10354dac74ae7daa9 (2026-08-21):
// SchemaVersionConstants Min = 113, Max = 116; the full script 111.sql creates dbo.Resource and the diffs
// 112–116 change stored procedures only, so dbo.Resource, its indexes and PartitionFunction_ResourceTypeId /
// PartitionScheme_ResourceTypeId are the same in every supported version. The current version is
// MAX(Version) FROM dbo.SchemaVersion WHERE Status = 'completed' (dbo.SelectCurrentSchemaVersion).
import type { SqlStatement } from "../../types";

export const FHIR_SERVER_COMMIT = "14f52857e3233da279681ff10354dac74ae7daa9";

/** FHIR server schema versions fhir-partitioning was checked against (the server's own Min..Max there). */
export const SUPPORTED_FHIR_SCHEMA_VERSIONS = [113, 114, 115, 116] as const;

/** The version query (run through sp_executesql by the precondition): a refusal message, or NULL when supported. */
export function fhirSchemaVersionQuery(): string {
  const supported = SUPPORTED_FHIR_SCHEMA_VERSIONS.join(", ");
  return `SELECT CASE WHEN s.v IS NULL THEN N'dbo.SchemaVersion: expected a completed version in (${supported}), found none completed (an upgrade that never finished?)'
            WHEN s.v IN (${supported}) THEN NULL
            ELSE CONCAT(N'dbo.SchemaVersion: expected a completed version in (${supported}) (checked against microsoft/fhir-server@${FHIR_SERVER_COMMIT.slice(0, 8)}), found ', s.v) END AS first_difference
FROM (SELECT MAX(sv.Version) AS v FROM dbo.SchemaVersion sv WHERE sv.Status = 'completed') AS s`;
}

export interface Precondition {
  name: string;
  sql: SqlStatement;
}

/**
 * A FHIR server database of a version this set was not checked against is refused before anything — the
 * ledger included — is written. No dbo.SchemaVersion: not a FHIR server database (sqlfleet creates its own
 * store). sp_executesql: the table is only compiled against when it exists.
 */
export function fhirSchemaVersionPrecondition(): Precondition {
  return {
    name: "a FHIR server schema version fhir-partitioning was checked against",
    sql: {
      sql: `IF OBJECT_ID(N'dbo.SchemaVersion') IS NULL
SELECT CAST(NULL AS nvarchar(400)) AS first_difference
ELSE
EXEC sp_executesql N'${fhirSchemaVersionQuery().replace(/'/g, "''")}'`,
    },
  };
}

/** dbo.Resource's columns and types, in the FHIR server's order (sqlfleet's own store has the same). */
export const FHIR_RESOURCE_COLUMNS: [string, string][] = [
  ["ResourceTypeId", "smallint"],
  ["ResourceId", "varchar"],
  ["Version", "int"],
  ["IsHistory", "bit"],
  ["ResourceSurrogateId", "bigint"],
  ["IsDeleted", "bit"],
  ["RequestMethod", "varchar"],
  ["RawResource", "varbinary"],
  ["IsRawResourceMetaSet", "bit"],
  ["SearchParamHash", "varchar"],
  ["TransactionId", "bigint"],
  ["HistoryTransactionId", "bigint"],
];

/** Unique indexes of dbo.Resource that the set's steps rely on (both the FHIR server's store and sqlfleet's have them). */
export const FHIR_RESOURCE_UNIQUE_INDEXES = ["IX_Resource_ResourceTypeId_ResourceId_Version", "IX_Resource_ResourceTypeId_ResourceId"];

/**
 * When dbo.Resource exists: the first fact of the FHIR server's store it lacks (a column with its type,
 * PKC_Resource clustered on PartitionScheme_ResourceTypeId, the unique indexes, PartitionFunction_ResourceTypeId
 * RANGE RIGHT with 150 boundaries), as a refusal message; NULL when the table is absent (it is created) or matches.
 */
export function fhirResourceShapePrecondition(): Precondition {
  const cols = FHIR_RESOURCE_COLUMNS.map(([c, t], i) => `(${i + 1}, N'${c}', N'${t}')`).join(", ");
  const idx = FHIR_RESOURCE_UNIQUE_INDEXES.map((n, i) => `(${i + 1}, N'${n}')`).join(", ");
  return {
    name: "dbo.Resource absent, or the FHIR server's dbo.Resource",
    sql: {
      sql: `SELECT (SELECT TOP (1) d.msg FROM (
  SELECT 1 AS o, e.ord, CONCAT(N'dbo.Resource column ', e.col, N': expected ', e.typ, N', found ',
           COALESCE((SELECT TOP (1) t.name FROM sys.columns c JOIN sys.types t ON t.user_type_id = c.user_type_id
                      WHERE c.object_id = OBJECT_ID(N'dbo.Resource') AND c.name = e.col), N'nothing')) AS msg
    FROM (VALUES ${cols}) AS e (ord, col, typ)
   WHERE NOT EXISTS (SELECT 1 FROM sys.columns c JOIN sys.types t ON t.user_type_id = c.user_type_id
                      WHERE c.object_id = OBJECT_ID(N'dbo.Resource') AND c.name = e.col AND t.name = e.typ)
  UNION ALL
  SELECT 2, 0, N'dbo.Resource index PKC_Resource: expected clustered on PartitionScheme_ResourceTypeId, found another placement or none'
   WHERE NOT EXISTS (SELECT 1 FROM sys.indexes i JOIN sys.partition_schemes ps ON ps.data_space_id = i.data_space_id
                      WHERE i.object_id = OBJECT_ID(N'dbo.Resource') AND i.name = N'PKC_Resource' AND i.type = 1
                        AND ps.name = N'PartitionScheme_ResourceTypeId')
  UNION ALL
  SELECT 3, x.ord, CONCAT(N'dbo.Resource index ', x.name, N': expected unique, found ',
           CASE WHEN EXISTS (SELECT 1 FROM sys.indexes i WHERE i.object_id = OBJECT_ID(N'dbo.Resource') AND i.name = x.name) THEN N'not unique' ELSE N'nothing' END)
    FROM (VALUES ${idx}) AS x (ord, name)
   WHERE NOT EXISTS (SELECT 1 FROM sys.indexes i WHERE i.object_id = OBJECT_ID(N'dbo.Resource') AND i.name = x.name AND i.is_unique = 1)
  UNION ALL
  SELECT 4, 0, N'partition function PartitionFunction_ResourceTypeId: expected RANGE RIGHT with 150 boundaries'
   WHERE NOT EXISTS (SELECT 1 FROM sys.partition_functions pf
                      WHERE pf.name = N'PartitionFunction_ResourceTypeId' AND pf.boundary_value_on_right = 1 AND pf.fanout = 151)
) AS d WHERE OBJECT_ID(N'dbo.Resource') IS NOT NULL ORDER BY d.o, d.ord) AS first_difference`,
    },
  };
}
