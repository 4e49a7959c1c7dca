// The staging strategy's T-SQL for SQL Server / Azure SQL (FHIR dbo.Resource on PartitionScheme_ResourceTypeId).
// SWITCH PARTITION is metadata-only but demands identical source and target tables: same columns, same clustered
// and nonclustered indexes, same partition scheme. Two consequences shape this design:
//  1. dbo.Resource itself must carry PartitionId and the partition-aware indexes before any SWITCH, so those are
//     built on it online (as in the incremental strategy); staging cannot avoid that cost on SQL Server.
//  2. Only the partitions whose rows change need staging: the conformance types (PartitionId = 1). Every other
//     row already has PartitionId = 2 through the metadata-only default.
// Per conformance type: copy into dbo.Resource_Staging by key ranges (≤ 4,000 rows, REPEATABLEREAD on the rows
// read so their UPDATE/DELETE waits), a trigger mirrors writes made meanwhile, validation compares rows and
// content checksums in one statement (one snapshot under RCSI), then one transaction under a short LOCK_TIMEOUT
// switches the live partition out to dbo.Resource_Retired and the staged one in. Rollback switches back; the
// trigger keeps the retired partition current until it is dropped by the explicit drop step.
// Values are always parameters (@p1 = ResourceTypeId resolved by name, @p2/@p3 = key range); the only literals
// are validated integers. Verified statically here; executed by the MSSQL_URL contract suite.

export const RESOURCE_COLUMNS_MSSQL = [
  "ResourceTypeId",
  "ResourceId",
  "Version",
  "IsHistory",
  "ResourceSurrogateId",
  "IsDeleted",
  "RequestMethod",
  "RawResource",
  "IsRawResourceMetaSet",
  "SearchParamHash",
  "TransactionId",
  "HistoryTransactionId",
] as const;

const COLS = RESOURCE_COLUMNS_MSSQL.map((c) => `[${c}]`).join(", ");

function int(name: string, v: number, min: number, max: number): number {
  if (!Number.isInteger(v) || v < min || v > max) throw new Error(`staging (SQL Server): ${name} must be an integer from ${min} to ${max}; got ${v}`);
  return v;
}

export interface MssqlIndexSpec {
  name: string;
  unique: boolean;
  columns: string;
  include?: string;
  where?: string;
}

/** dbo.Resource's nonclustered indexes on FHIR server main (research/migrations.md §3.2). */
export const FHIR_MAIN_INDEXES: MssqlIndexSpec[] = [
  { name: "IX_ResourceTypeId_TransactionId", unique: false, columns: "ResourceTypeId, TransactionId", where: "TransactionId IS NOT NULL" },
  { name: "IX_ResourceTypeId_HistoryTransactionId", unique: false, columns: "ResourceTypeId, HistoryTransactionId", where: "HistoryTransactionId IS NOT NULL" },
  { name: "IX_Resource_ResourceTypeId_ResourceId_Version", unique: true, columns: "ResourceTypeId, ResourceId, Version" },
  { name: "IX_Resource_ResourceTypeId_ResourceId", unique: true, columns: "ResourceTypeId, ResourceId", include: "Version, IsDeleted", where: "IsHistory = 0" },
  { name: "IX_Resource_ResourceTypeId_ResourceSurrgateId", unique: true, columns: "ResourceTypeId, ResourceSurrogateId", where: "IsHistory = 0 AND IsDeleted = 0" },
];

/** The two unique indexes of the store sqlfleet creates (schema/sets/fhir-partitioning/mssql.ts, migration 0001). */
export const SQLFLEET_STORE_INDEXES: MssqlIndexSpec[] = FHIR_MAIN_INDEXES.filter((i) => i.name.startsWith("IX_Resource_ResourceTypeId_ResourceId"));

/** The partition-aware indexes fhir-partitioning adds (the same definitions as its incremental migration). */
export const PARTITION_AWARE_INDEXES: MssqlIndexSpec[] = [
  { name: "IX_Resource_PartitionId_ResourceTypeId_ResourceId_Version", unique: true, columns: "PartitionId, ResourceTypeId, ResourceId, Version" },
  { name: "IX_Resource_PartitionId_ResourceTypeId_ResourceId", unique: true, columns: "PartitionId, ResourceTypeId, ResourceId", include: "Version, IsDeleted", where: "IsHistory = 0" },
];

function indexDdl(table: string, suffix: string, specs: MssqlIndexSpec[]): string[] {
  return specs.map(
    (i) =>
      `CREATE ${i.unique ? "UNIQUE " : ""}NONCLUSTERED INDEX [${i.name}${suffix}] ON ${table} (${i.columns})` +
      `${i.include ? ` INCLUDE (${i.include})` : ""}${i.where ? ` WHERE ${i.where}` : ""} WITH (DATA_COMPRESSION = PAGE) ON PartitionScheme_ResourceTypeId (ResourceTypeId)`,
  );
}

/**
 * Refuses to continue unless the twin's indexes equal dbo.Resource's (uniqueness, filter, key and included
 * columns): SWITCH fails on any difference, and better here than inside the cutover transaction.
 */
function sameIndexesGuard(twin: string): string {
  const sig = (obj: string) => `SELECT STRING_AGG(sig, N'|') WITHIN GROUP (ORDER BY sig) FROM (
      SELECT CONCAT(i.type, N':', i.is_unique, N':', ISNULL(i.filter_definition, N''), N':',
             (SELECT STRING_AGG(CONCAT(c.name, CASE WHEN ic.is_included_column = 1 THEN N'+' ELSE N'' END), N',') WITHIN GROUP (ORDER BY ic.is_included_column, ic.key_ordinal, c.name)
                FROM sys.index_columns AS ic JOIN sys.columns AS c ON c.object_id = ic.object_id AND c.column_id = ic.column_id
               WHERE ic.object_id = i.object_id AND ic.index_id = i.index_id)) AS sig
        FROM sys.indexes AS i WHERE i.object_id = OBJECT_ID(N'${obj}') AND i.type IN (1, 2)) AS x`;
  return `IF ISNULL((${sig("dbo.Resource")}), N'') <> ISNULL((${sig(twin)}), N'')
  THROW 50003, N'staging (SQL Server): ${twin} does not have exactly the indexes of dbo.Resource; SWITCH would fail', 1;`;
}

/** A twin of dbo.Resource (same columns, clustered key, indexes and partition scheme) for SWITCH. */
function twinTable(name: "Resource_Staging" | "Resource_Retired", indexes: MssqlIndexSpec[]): string {
  return `IF OBJECT_ID(N'dbo.${name}') IS NULL
BEGIN
  CREATE TABLE dbo.[${name}] (
    ResourceTypeId smallint NOT NULL,
    ResourceId varchar(64) COLLATE Latin1_General_100_CS_AS NOT NULL,
    Version int NOT NULL,
    IsHistory bit NOT NULL,
    ResourceSurrogateId bigint NOT NULL,
    IsDeleted bit NOT NULL,
    RequestMethod varchar(10) NULL,
    RawResource varbinary(max) NOT NULL,
    IsRawResourceMetaSet bit NOT NULL CONSTRAINT [DF_${name}_IsRawResourceMetaSet] DEFAULT 0,
    SearchParamHash varchar(64) NULL,
    TransactionId bigint NULL,
    HistoryTransactionId bigint NULL,
    PartitionId smallint NOT NULL CONSTRAINT [DF_${name}_PartitionId] DEFAULT 2,
    CONSTRAINT [PKC_${name}] PRIMARY KEY CLUSTERED (ResourceTypeId, ResourceSurrogateId) WITH (DATA_COMPRESSION = PAGE)
      ON PartitionScheme_ResourceTypeId (ResourceTypeId),
    CONSTRAINT [CH_${name}_RawResource_Length] CHECK (RawResource > 0x0)
  ) ON PartitionScheme_ResourceTypeId (ResourceTypeId);
  ALTER TABLE dbo.[${name}] SET (LOCK_ESCALATION = AUTO);
  ${indexDdl(`dbo.[${name}]`, `_${name.split("_")[1]}`, indexes).join(";\n  ")};
END`;
}

/**
 * Setup batches (run in order, each idempotent). Requires PartitionId and the partition-aware indexes on
 * dbo.Resource; `existing` = the nonclustered indexes dbo.Resource had before (FHIR main by default).
 */
export function mssqlSetupBatches(existing: MssqlIndexSpec[] = FHIR_MAIN_INDEXES): string[] {
  const indexes = [...existing, ...PARTITION_AWARE_INDEXES];
  return [
    `IF COL_LENGTH(N'dbo.Resource', N'PartitionId') IS NULL
  THROW 50001, N'staging (SQL Server): dbo.Resource has no PartitionId yet; add it (metadata-only default) and build the partition-aware indexes first: SWITCH needs identical tables', 1;`,
    twinTable("Resource_Staging", indexes),
    twinTable("Resource_Retired", indexes),
    sameIndexesGuard("dbo.Resource_Staging"),
    sameIndexesGuard("dbo.Resource_Retired"),
    `IF OBJECT_ID(N'dbo.ResourceStagingType') IS NULL
  CREATE TABLE dbo.ResourceStagingType (
    ResourceTypeId smallint NOT NULL CONSTRAINT PKC_ResourceStagingType PRIMARY KEY CLUSTERED,
    State varchar(20) NOT NULL CONSTRAINT CH_ResourceStagingType_State CHECK (State IN ('staged', 'swapped', 'rolled_back', 'dropped')),
    LockMs int NULL,
    SwappedAt datetime2 NULL,
    DroppedAt datetime2 NULL);`,
    // One trigger for both directions: staged types are mirrored into staging (PartitionId = 1), switched types
    // into the retired partition (so a switch back loses nothing written after the cutover).
    `CREATE OR ALTER TRIGGER dbo.Resource_StagingSync ON dbo.Resource AFTER INSERT, UPDATE, DELETE
AS
BEGIN
  SET NOCOUNT ON;
  DELETE s FROM dbo.Resource_Staging AS s
    JOIN deleted AS d ON d.ResourceTypeId = s.ResourceTypeId AND d.ResourceSurrogateId = s.ResourceSurrogateId
    JOIN dbo.ResourceStagingType AS t ON t.ResourceTypeId = d.ResourceTypeId AND t.State = 'staged';
  INSERT INTO dbo.Resource_Staging (${COLS}, [PartitionId])
    SELECT ${RESOURCE_COLUMNS_MSSQL.map((c) => `i.[${c}]`).join(", ")}, 1
      FROM inserted AS i JOIN dbo.ResourceStagingType AS t ON t.ResourceTypeId = i.ResourceTypeId AND t.State = 'staged';
  DELETE r FROM dbo.Resource_Retired AS r
    JOIN deleted AS d ON d.ResourceTypeId = r.ResourceTypeId AND d.ResourceSurrogateId = r.ResourceSurrogateId
    JOIN dbo.ResourceStagingType AS t ON t.ResourceTypeId = d.ResourceTypeId AND t.State = 'swapped';
  INSERT INTO dbo.Resource_Retired (${COLS}, [PartitionId])
    SELECT ${RESOURCE_COLUMNS_MSSQL.map((c) => `i.[${c}]`).join(", ")}, i.[PartitionId]
      FROM inserted AS i JOIN dbo.ResourceStagingType AS t ON t.ResourceTypeId = i.ResourceTypeId AND t.State = 'swapped';
END`,
  ];
}

/** Registers the conformance types to stage, resolved by name (@p1 = JSON array of names). */
export const MSSQL_REGISTER_TYPES = `INSERT INTO dbo.ResourceStagingType (ResourceTypeId, State)
SELECT rt.ResourceTypeId, 'staged' FROM dbo.ResourceType AS rt
 WHERE rt.Name IN (SELECT [value] FROM OPENJSON(@p1))
   AND NOT EXISTS (SELECT 1 FROM dbo.ResourceStagingType AS s WHERE s.ResourceTypeId = rt.ResourceTypeId);`;

/**
 * One copy batch: @p1 ResourceTypeId, (@p2, @p3] ResourceSurrogateId. REPEATABLEREAD holds S locks on the rows
 * read until commit (their UPDATE/DELETE waits, then its trigger fixes the staged row); UPDLOCK, HOLDLOCK on the
 * existence probe serialises with a trigger insert of the same key.
 */
export const MSSQL_COPY_BATCH = `INSERT INTO dbo.Resource_Staging (${COLS}, [PartitionId])
SELECT ${RESOURCE_COLUMNS_MSSQL.map((c) => `r.[${c}]`).join(", ")}, 1
  FROM dbo.Resource AS r WITH (REPEATABLEREAD)
 WHERE r.ResourceTypeId = @p1 AND r.ResourceSurrogateId > CAST(@p2 AS bigint) AND r.ResourceSurrogateId <= CAST(@p3 AS bigint)
   AND EXISTS (SELECT 1 FROM dbo.ResourceStagingType AS t WHERE t.ResourceTypeId = @p1 AND t.State = 'staged')
   AND NOT EXISTS (SELECT 1 FROM dbo.Resource_Staging AS s WITH (UPDLOCK, HOLDLOCK)
                    WHERE s.ResourceTypeId = r.ResourceTypeId AND s.ResourceSurrogateId = r.ResourceSurrogateId);`;

const CONTENT = `CHECKSUM_AGG(BINARY_CHECKSUM(ResourceId, Version, IsHistory, ResourceSurrogateId, IsDeleted, RequestMethod,
  HASHBYTES('SHA2_256', RawResource), IsRawResourceMetaSet, SearchParamHash, TransactionId, HistoryTransactionId))`;

/** Rows and content checksum of one type, live vs staged, in one statement (@p1 ResourceTypeId). */
export const MSSQL_COMPARE = `SELECT
  (SELECT COUNT_BIG(*) FROM dbo.Resource WHERE ResourceTypeId = @p1) AS old_rows,
  (SELECT COUNT_BIG(*) FROM dbo.Resource_Staging WHERE ResourceTypeId = @p1) AS new_rows,
  (SELECT ${CONTENT} FROM dbo.Resource WHERE ResourceTypeId = @p1) AS old_hash,
  (SELECT ${CONTENT} FROM dbo.Resource_Staging WHERE ResourceTypeId = @p1) AS new_hash,
  (SELECT COUNT_BIG(*) FROM dbo.Resource_Staging WHERE ResourceTypeId = @p1 AND PartitionId <> 1) AS wrong_partition;`;

function switchPair(from: string, to: string, back: string, toBack: string, state: string, expect: string, lockTimeoutMs: number): string {
  const ms = int("lockTimeoutMs", lockTimeoutMs, 50, 60_000);
  return `SET XACT_ABORT ON;
SET LOCK_TIMEOUT ${ms};
DECLARE @p int = $PARTITION.PartitionFunction_ResourceTypeId(@p1);
DECLARE @t0 datetime2 = SYSUTCDATETIME();
BEGIN TRANSACTION;
  IF NOT EXISTS (SELECT 1 FROM dbo.ResourceStagingType WITH (UPDLOCK, HOLDLOCK) WHERE ResourceTypeId = @p1 AND State = '${expect}')
    THROW 50002, N'staging (SQL Server): this resource type is not in the expected state for the switch', 1;
  ALTER TABLE ${from} SWITCH PARTITION @p TO ${to} PARTITION @p;
  ALTER TABLE ${back} SWITCH PARTITION @p TO ${toBack} PARTITION @p;
  UPDATE dbo.ResourceStagingType SET State = '${state}', SwappedAt = SYSUTCDATETIME(), LockMs = DATEDIFF(ms, @t0, SYSUTCDATETIME())
   WHERE ResourceTypeId = @p1;
COMMIT TRANSACTION;`;
}

/** The cutover of one conformance type (@p1 ResourceTypeId): live partition out to Retired, staged in. */
export function mssqlCutover(lockTimeoutMs = 500): string {
  return switchPair("dbo.Resource", "dbo.Resource_Retired", "dbo.Resource_Staging", "dbo.Resource", "swapped", "staged", lockTimeoutMs);
}

/** Rollback of one type after its cutover: the staged copy back out, the retired partition back in. */
export function mssqlSwitchBack(lockTimeoutMs = 500): string {
  return switchPair("dbo.Resource", "dbo.Resource_Staging", "dbo.Resource_Retired", "dbo.Resource", "rolled_back", "swapped", lockTimeoutMs);
}

/** The explicit drop of one type's retired partition (partition number resolved by the caller as an integer). */
export function mssqlDropRetired(partitionNumber: number): string {
  const p = int("partitionNumber", partitionNumber, 1, 15_000);
  return `SET XACT_ABORT ON;
BEGIN TRANSACTION;
  TRUNCATE TABLE dbo.Resource_Retired WITH (PARTITIONS (${p}));
  UPDATE dbo.ResourceStagingType SET State = 'dropped', DroppedAt = SYSUTCDATETIME()
   WHERE $PARTITION.PartitionFunction_ResourceTypeId(ResourceTypeId) = ${p} AND State = 'swapped';
COMMIT TRANSACTION;`;
}
