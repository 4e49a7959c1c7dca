// fhir-partitioning on SQL Server / Azure SQL. The resource store matches the FHIR server's dbo.Resource
// (research/migrations.md §3.2: clustered on (ResourceTypeId, ResourceSurrogateId), PAGE compression, on
// PartitionScheme_ResourceTypeId, LOCK_ESCALATION = AUTO) so an existing FHIR database is adopted, not recreated.
// Every statement is its own batch (no GO inside), guarded by catalog checks. Defects of the ADR script avoided
// (§3.3): explicit Partition ids (7); no `WITH CHECK` on the column (5); the FK is added WITH NOCHECK in its own
// batch (4, 6); indexes re-keyed to lead with PartitionId instead of a near-duplicate filtered copy (8), built
// ONLINE + RESUMABLE (a paused build is resumed, not restarted); the backfill is the runner's key-range walk per
// ResourceTypeId with ≤ 4,000-row batches (1, 2, 3) and a sweep (10); type names travel as a JSON parameter.
import type { LockSpec, Migration, MigrationStep } from "../../types";
import type { FhirPartitioningOptions } from "./options";

const lock = (mode: string, on: string, brief: boolean, scans = false): LockSpec => ({ mode, on, brief, scans });

const RANGE = Array.from({ length: 150 }, (_, i) => i + 1).join(", ");

const exists = (sql: string) => ({ sql: `SELECT CASE WHEN ${sql} THEN 1 ELSE 0 END` });

const indexExists = (name: string) =>
  `EXISTS (SELECT 1 FROM sys.indexes WHERE object_id = OBJECT_ID(N'dbo.Resource') AND name = N'${name}')`;

const resumable = (name: string) =>
  `EXISTS (SELECT 1 FROM sys.index_resumable_operations WHERE object_id = OBJECT_ID(N'dbo.Resource') AND name = N'${name}')`;

/** The conformance type ids, resolved by name (ids differ per database); @p1 is a JSON array of names. */
const CONFORMANCE_IDS = "SELECT rt.ResourceTypeId FROM dbo.ResourceType rt WHERE rt.Name IN (SELECT j.value FROM OPENJSON(@p1) AS j)";

interface IndexSpec {
  name: string;
  columns: string;
  include?: string;
  where?: string;
}

function onlineIndex(spec: IndexSpec): MigrationStep {
  const create =
    `IF NOT ${indexExists(spec.name)}\n` +
    `CREATE UNIQUE NONCLUSTERED INDEX ${spec.name} ON dbo.Resource (${spec.columns})` +
    `${spec.include ? ` INCLUDE (${spec.include})` : ""}${spec.where ? ` WHERE ${spec.where}` : ""}\n` +
    "WITH (ONLINE = ON, RESUMABLE = ON, MAX_DURATION = 240 MINUTES, DATA_COMPRESSION = PAGE)\n" +
    "ON PartitionScheme_ResourceTypeId (ResourceTypeId)";
  return {
    name: `index-${spec.name}`,
    kind: "index",
    description: `unique ${spec.name} (${spec.columns}) built online and resumable on the ResourceTypeId partition scheme`,
    lock: lock("Sch-S during the build; brief Sch-M at start and end", "dbo.Resource", false, true),
    transactional: false,
    done: exists(`${indexExists(spec.name)} AND NOT ${resumable(spec.name)}`),
    up: [
      // A build paused by MAX_DURATION or interrupted by a failover continues where it stopped.
      { sql: `IF ${resumable(spec.name)}\nALTER INDEX ${spec.name} ON dbo.Resource RESUME`, autocommit: true },
      { sql: create, autocommit: true },
    ],
    down: [
      { sql: `IF ${resumable(spec.name)}\nALTER INDEX ${spec.name} ON dbo.Resource ABORT`, autocommit: true },
      { sql: `IF ${indexExists(spec.name)}\nDROP INDEX ${spec.name} ON dbo.Resource WITH (ONLINE = ON)`, autocommit: true },
    ],
    downDone: exists(`NOT ${indexExists(spec.name)} AND NOT ${resumable(spec.name)}`),
    estimateRows: { sql: "SELECT SUM(row_count) FROM sys.dm_db_partition_stats WHERE object_id = OBJECT_ID(N'dbo.Resource') AND index_id IN (0, 1)" },
  };
}

function resourceStore(): Migration {
  return {
    id: "0001-resource-store",
    description: "FHIR resource store shaped like the FHIR server's dbo.Resource (created only when absent; existing stores are adopted)",
    steps: [
      {
        name: "resource-type",
        kind: "ddl",
        description: "dbo.ResourceType (ids assigned per database)",
        lock: lock("Sch-M", "new table dbo.ResourceType", true),
        transactional: true,
        done: exists("OBJECT_ID(N'dbo.ResourceType') IS NOT NULL"),
        up: [
          {
            sql: `IF OBJECT_ID(N'dbo.ResourceType') IS NULL
CREATE TABLE dbo.ResourceType (
  ResourceTypeId smallint IDENTITY(1, 1) NOT NULL,
  Name nvarchar(50) COLLATE Latin1_General_100_CS_AS NOT NULL,
  CONSTRAINT PKC_ResourceType PRIMARY KEY CLUSTERED (ResourceTypeId),
  CONSTRAINT UQ_ResourceType_ResourceTypeId_Name UNIQUE (Name))`,
          },
        ],
      },
      {
        name: "partition-scheme",
        kind: "ddl",
        description: "PartitionFunction_ResourceTypeId (RANGE RIGHT 1..150) and PartitionScheme_ResourceTypeId",
        lock: lock("none", "database metadata", true),
        transactional: false,
        done: exists("EXISTS (SELECT 1 FROM sys.partition_schemes WHERE name = N'PartitionScheme_ResourceTypeId')"),
        up: [
          {
            sql: `IF NOT EXISTS (SELECT 1 FROM sys.partition_functions WHERE name = N'PartitionFunction_ResourceTypeId')
CREATE PARTITION FUNCTION PartitionFunction_ResourceTypeId (smallint) AS RANGE RIGHT FOR VALUES (${RANGE})`,
          },
          {
            sql: `IF NOT EXISTS (SELECT 1 FROM sys.partition_schemes WHERE name = N'PartitionScheme_ResourceTypeId')
CREATE PARTITION SCHEME PartitionScheme_ResourceTypeId AS PARTITION PartitionFunction_ResourceTypeId ALL TO ([PRIMARY])`,
          },
        ],
      },
      {
        name: "resource",
        kind: "ddl",
        description: "dbo.Resource clustered on (ResourceTypeId, ResourceSurrogateId), PAGE compression, LOCK_ESCALATION = AUTO",
        lock: lock("Sch-M", "new table dbo.Resource", true),
        transactional: false,
        done: exists("OBJECT_ID(N'dbo.Resource') IS NOT NULL"),
        up: [
          {
            sql: `IF OBJECT_ID(N'dbo.Resource') IS NULL
CREATE TABLE dbo.Resource (
  ResourceTypeId smallint NOT NULL,
  ResourceId varchar(64) COLLATE Latin1_General_100_CS_AS NOT NULL,
  Version int NOT NULL,
  IsHistory bit NOT NULL,
  ResourceSurrogateId bigint NOT NULL,
  IsDeleted bit NOT NULL,
  RequestMethod varchar(10) NULL,
  RawResource varbinary(max) NOT NULL,
  IsRawResourceMetaSet bit NOT NULL CONSTRAINT DF_Resource_IsRawResourceMetaSet DEFAULT 0,
  SearchParamHash varchar(64) NULL,
  TransactionId bigint NULL,
  HistoryTransactionId bigint NULL,
  CONSTRAINT PKC_Resource PRIMARY KEY CLUSTERED (ResourceTypeId, ResourceSurrogateId)
    WITH (DATA_COMPRESSION = PAGE) ON PartitionScheme_ResourceTypeId (ResourceTypeId),
  CONSTRAINT CH_Resource_RawResource_Length CHECK (RawResource > 0x0))`,
          },
          { sql: "ALTER TABLE dbo.Resource SET (LOCK_ESCALATION = AUTO)" },
          {
            sql: `IF NOT ${indexExists("IX_Resource_ResourceTypeId_ResourceId_Version")}
CREATE UNIQUE NONCLUSTERED INDEX IX_Resource_ResourceTypeId_ResourceId_Version ON dbo.Resource (ResourceTypeId, ResourceId, Version)
WITH (DATA_COMPRESSION = PAGE) ON PartitionScheme_ResourceTypeId (ResourceTypeId)`,
          },
          {
            sql: `IF NOT ${indexExists("IX_Resource_ResourceTypeId_ResourceId")}
CREATE UNIQUE NONCLUSTERED INDEX IX_Resource_ResourceTypeId_ResourceId ON dbo.Resource (ResourceTypeId, ResourceId)
INCLUDE (Version, IsDeleted) WHERE IsHistory = 0
WITH (DATA_COMPRESSION = PAGE) ON PartitionScheme_ResourceTypeId (ResourceTypeId)`,
          },
        ],
      },
    ],
  };
}

function lightweightPartitioning(o: FhirPartitioningOptions): Migration {
  const typesJson = JSON.stringify(o.conformanceTypes);
  const partitionRowsOk =
    "(SELECT COUNT(*) FROM dbo.Partition WHERE (PartitionId = 1 AND PartitionName = 'system') OR (PartitionId = 2 AND PartitionName = 'default')) = 2";
  return {
    id: "0002-lightweight-partitioning",
    description: "dbo.Partition, PartitionId (default 2), partition-aware unique indexes online, conformance types into partition 1",
    steps: [
      {
        name: "partition-table",
        kind: "ddl",
        description: "dbo.Partition with explicit ids: 1 = system, 2 = default (never identity order)",
        lock: lock("Sch-M", "new table dbo.Partition", true),
        transactional: true,
        done: exists(`OBJECT_ID(N'dbo.Partition') IS NOT NULL AND ${partitionRowsOk}`),
        up: [
          {
            sql: `IF OBJECT_ID(N'dbo.Partition') IS NULL
CREATE TABLE dbo.Partition (
  PartitionId smallint NOT NULL,
  PartitionName varchar(64) NOT NULL,
  IsActive bit NOT NULL CONSTRAINT DF_Partition_IsActive DEFAULT 1,
  CreatedDate datetimeoffset(7) NOT NULL CONSTRAINT DF_Partition_CreatedDate DEFAULT SYSDATETIMEOFFSET(),
  CONSTRAINT PKC_Partition PRIMARY KEY CLUSTERED (PartitionId),
  CONSTRAINT UQ_Partition_Name UNIQUE (PartitionName))`,
          },
          {
            sql: `INSERT INTO dbo.Partition (PartitionId, PartitionName)
SELECT v.PartitionId, v.PartitionName FROM (VALUES (CAST(1 AS smallint), 'system'), (CAST(2 AS smallint), 'default')) AS v (PartitionId, PartitionName)
WHERE NOT EXISTS (SELECT 1 FROM dbo.Partition p WHERE p.PartitionId = v.PartitionId)`,
          },
        ],
        down: [{ sql: "IF OBJECT_ID(N'dbo.Partition') IS NOT NULL DROP TABLE dbo.Partition" }],
        downDone: exists("OBJECT_ID(N'dbo.Partition') IS NULL"),
      },
      {
        name: "partition-id-column",
        kind: "ddl",
        description: "PartitionId smallint NOT NULL DEFAULT 2 (metadata-only for a constant default), then an untrusted FK",
        lock: lock("Sch-M", "dbo.Resource", true),
        transactional: false,
        done: exists("COL_LENGTH(N'dbo.Resource', N'PartitionId') IS NOT NULL AND OBJECT_ID(N'dbo.FK_Resource_PartitionId_Partition') IS NOT NULL"),
        up: [
          {
            sql: `IF COL_LENGTH(N'dbo.Resource', N'PartitionId') IS NULL
ALTER TABLE dbo.Resource ADD PartitionId smallint NOT NULL CONSTRAINT DF_Resource_PartitionId DEFAULT 2`,
          },
          {
            // Its own batch: the new column is bound only after the ALTER above committed. WITH NOCHECK: enforced
            // for new writes, no scan of existing rows under a schema-modification lock.
            sql: `IF OBJECT_ID(N'dbo.FK_Resource_PartitionId_Partition') IS NULL
ALTER TABLE dbo.Resource WITH NOCHECK ADD CONSTRAINT FK_Resource_PartitionId_Partition FOREIGN KEY (PartitionId) REFERENCES dbo.Partition (PartitionId)`,
          },
        ],
        down: [
          { sql: "IF OBJECT_ID(N'dbo.FK_Resource_PartitionId_Partition') IS NOT NULL ALTER TABLE dbo.Resource DROP CONSTRAINT FK_Resource_PartitionId_Partition" },
          { sql: "IF OBJECT_ID(N'dbo.DF_Resource_PartitionId') IS NOT NULL ALTER TABLE dbo.Resource DROP CONSTRAINT DF_Resource_PartitionId" },
          { sql: "IF COL_LENGTH(N'dbo.Resource', N'PartitionId') IS NOT NULL ALTER TABLE dbo.Resource DROP COLUMN PartitionId" },
        ],
        downDone: exists("COL_LENGTH(N'dbo.Resource', N'PartitionId') IS NULL"),
      },
      onlineIndex({ name: "IX_Resource_PartitionId_ResourceTypeId_ResourceId_Version", columns: "PartitionId, ResourceTypeId, ResourceId, Version" }),
      onlineIndex({
        name: "IX_Resource_PartitionId_ResourceTypeId_ResourceId",
        columns: "PartitionId, ResourceTypeId, ResourceId",
        include: "Version, IsDeleted",
        where: "IsHistory = 0",
      }),
      {
        name: "conformance-backfill",
        kind: "backfill",
        description: `move ${o.conformanceTypes.join(", ")} into partition 1: key ranges per ResourceTypeId, ≤ 4,000 rows per batch`,
        lock: lock("X row/page locks on ≤ 4,000 rows (below the 5,000-lock escalation threshold)", "one ResourceTypeId partition", false, true),
        transactional: true,
        up: [],
        downDone: exists("COL_LENGTH(N'dbo.Resource', N'PartitionId') IS NULL"),
        backfill: {
          name: "conformance",
          table: "dbo.Resource",
          scopeColumn: "ResourceTypeId",
          keyColumn: "ResourceSurrogateId",
          scopes: {
            sql: "SELECT rt.ResourceTypeId AS scope_value, rt.Name AS scope_label FROM dbo.ResourceType rt WHERE rt.Name IN (SELECT j.value FROM OPENJSON(@p1) AS j) ORDER BY rt.Name",
            params: [typesJson],
          },
          set: "[PartitionId] = 1",
          pending: "[PartitionId] <> 1",
          reverse: { set: "[PartitionId] = 2", pending: "[PartitionId] = 1" },
          // Row count of the ResourceTypeId partition from metadata (no scan of a possibly huge partition).
          estimateScopeRows: {
            sql: `SELECT ISNULL(SUM(ps.row_count), 0) FROM sys.dm_db_partition_stats ps
WHERE ps.object_id = OBJECT_ID(N'dbo.Resource') AND ps.index_id = 1 AND ps.partition_number = $PARTITION.PartitionFunction_ResourceTypeId(@p1)`,
          },
          targetBatchMs: 300,
          maxBatch: 4000,
        },
        estimateRows: {
          sql: `SELECT SUM(ps.row_count) FROM sys.dm_db_partition_stats ps
WHERE ps.object_id = OBJECT_ID(N'dbo.Resource') AND ps.index_id = 1
  AND ps.partition_number IN (SELECT $PARTITION.PartitionFunction_ResourceTypeId(c.ResourceTypeId) FROM (${CONFORMANCE_IDS}) AS c)`,
          params: [typesJson],
        },
      },
      {
        name: "validate",
        kind: "validate",
        description: "counts: conformance rows outside partition 1, other rows in partition 1, lookup rows, indexes",
        lock: lock("Sch-S / IS", "dbo.Resource (RCSI readers)", false, true),
        transactional: false,
        up: [],
        checks: [
          {
            name: "conformance_rows_not_in_partition_1",
            sql: { sql: `SELECT COUNT_BIG(*) FROM dbo.Resource r WHERE r.ResourceTypeId IN (${CONFORMANCE_IDS}) AND r.PartitionId <> 1`, params: [typesJson] },
          },
          {
            name: "other_rows_in_partition_1",
            sql: { sql: `SELECT COUNT_BIG(*) FROM dbo.Resource r WHERE r.PartitionId = 1 AND r.ResourceTypeId NOT IN (${CONFORMANCE_IDS})`, params: [typesJson] },
          },
          { name: "partition_lookup_rows_missing", sql: { sql: "SELECT 2 - COUNT(*) FROM dbo.Partition WHERE (PartitionId = 1 AND PartitionName = 'system') OR (PartitionId = 2 AND PartitionName = 'default')" } },
          {
            name: "partition_indexes_not_valid",
            sql: {
              sql: `SELECT 2 - COUNT(*) FROM sys.indexes WHERE object_id = OBJECT_ID(N'dbo.Resource') AND is_disabled = 0
  AND name IN (N'IX_Resource_PartitionId_ResourceTypeId_ResourceId_Version', N'IX_Resource_PartitionId_ResourceTypeId_ResourceId')`,
            },
          },
          { name: "rows_in_partition_1", report: true, sql: { sql: "SELECT COUNT_BIG(*) FROM dbo.Resource WHERE PartitionId = 1" } },
          { name: "rows_in_partition_2", report: true, sql: { sql: "SELECT COUNT_BIG(*) FROM dbo.Resource WHERE PartitionId = 2" } },
        ],
      },
    ],
  };
}

export function mssqlMigrations(options: FhirPartitioningOptions): Migration[] {
  return [resourceStore(), lightweightPartitioning(options)];
}
