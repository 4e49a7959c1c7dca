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
