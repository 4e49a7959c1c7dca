// Facts about the FHIR server's own SQL schema that fhir-partitioning relies on on SQL Server, read from
// microsoft/fhir-server at commit 14f52857e3233da279681ff10354dac74ae7daa9 (2026-08-21):
// SchemaVersionConstants Min = 113, Max = 116; the full script 111.sql creates dbo.Resource and the diffs
// 112–116 change stored procedures only, so dbo.Resource, its indexes and PartitionFunction_ResourceTypeId /
// PartitionScheme_ResourceTypeId are the same in every supported version. The current version is
// MAX(Version) FROM dbo.SchemaVersion WHERE Status = 'completed' (dbo.SelectCurrentSchemaVersion).
import type { ValidationCheck } from "../../types";

export const FHIR_SERVER_COMMIT = "14f52857e3233da279681ff10354dac74ae7daa9";

/** FHIR server schema versions fhir-partitioning was checked against (the server's own Min..Max there). */
export const SUPPORTED_FHIR_SCHEMA_VERSIONS = [113, 114, 115, 116] as const;

/**
 * 0 when the database has no FHIR server schema (sqlfleet creates its own store) or its completed version is
 * supported; otherwise the version found (-1: dbo.SchemaVersion has no completed version, e.g. an upgrade
 * that never finished). sp_executesql: the table is only compiled against when it exists.
 */
/** The version query itself (run through sp_executesql by the check). */
export function fhirSchemaVersionQuery(): string {
  return `SELECT CASE WHEN s.v IS NULL THEN -1 WHEN s.v IN (${SUPPORTED_FHIR_SCHEMA_VERSIONS.join(", ")}) THEN 0 ELSE s.v END AS unsupported_version
FROM (SELECT MAX(sv.Version) AS v FROM dbo.SchemaVersion sv WHERE sv.Status = 'completed') AS s`;
}

export function fhirSchemaVersionCheck(): ValidationCheck {
  return {
    name: `FHIR server schema version (dbo.SchemaVersion, Status = 'completed') is one fhir-partitioning was checked against (${SUPPORTED_FHIR_SCHEMA_VERSIONS.join(", ")}); found (0 = supported or no FHIR schema, -1 = none completed)`,
    sql: {
      sql: `IF OBJECT_ID(N'dbo.SchemaVersion') IS NULL
SELECT 0 AS unsupported_version
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
 * When dbo.Resource exists: the number of expected facts it lacks (columns with their types, PKC_Resource clustered
 * on PartitionScheme_ResourceTypeId, the unique indexes, PartitionFunction_ResourceTypeId RANGE RIGHT with 150
 * boundaries). 0 when the table is absent (it is created) or matches.
 */
export function fhirResourceShapeCheck(): ValidationCheck {
  const cols = FHIR_RESOURCE_COLUMNS.map(([c, t]) => `(N'${c}', N'${t}')`).join(", ");
  const idx = FHIR_RESOURCE_UNIQUE_INDEXES.map((n) => `(N'${n}')`).join(", ");
  return {
    name:
      "dbo.Resource, when present, has the FHIR server's columns and types, PKC_Resource clustered on PartitionScheme_ResourceTypeId, " +
      `${FHIR_RESOURCE_UNIQUE_INDEXES.join(" and ")} unique, and PartitionFunction_ResourceTypeId RANGE RIGHT with 150 boundaries; facts missing`,
    sql: {
      sql: `SELECT CASE WHEN OBJECT_ID(N'dbo.Resource') IS NULL THEN 0 ELSE
  (SELECT COUNT(*) FROM (VALUES ${cols}) AS e (col, typ)
    WHERE NOT EXISTS (SELECT 1 FROM sys.columns c JOIN sys.types t ON t.user_type_id = c.user_type_id
                       WHERE c.object_id = OBJECT_ID(N'dbo.Resource') AND c.name = e.col AND t.name = e.typ))
  + (CASE WHEN EXISTS (SELECT 1 FROM sys.indexes i JOIN sys.partition_schemes ps ON ps.data_space_id = i.data_space_id
                        WHERE i.object_id = OBJECT_ID(N'dbo.Resource') AND i.name = N'PKC_Resource' AND i.type = 1
                          AND ps.name = N'PartitionScheme_ResourceTypeId') THEN 0 ELSE 1 END)
  + (SELECT COUNT(*) FROM (VALUES ${idx}) AS x (name)
      WHERE NOT EXISTS (SELECT 1 FROM sys.indexes i WHERE i.object_id = OBJECT_ID(N'dbo.Resource') AND i.name = x.name AND i.is_unique = 1))
  + (CASE WHEN EXISTS (SELECT 1 FROM sys.partition_functions pf
                        WHERE pf.name = N'PartitionFunction_ResourceTypeId' AND pf.boundary_value_on_right = 1 AND pf.fanout = 151) THEN 0 ELSE 1 END)
END AS missing_facts`,
    },
  };
}
