// Static checks of the staging strategy's T-SQL (no SQL Server runs here; the MSSQL_URL contract suite executes
// it): one batch per statement, the SWITCH pair inside one transaction under XACT_ABORT and a short LOCK_TIMEOUT,
// values only as parameters, twin tables identical to the dbo.Resource sqlfleet creates.
import { describe, expect, it } from "vitest";
import { mssqlDialect } from "../../schema/dialects/mssql";
import { buildSet } from "../../schema/sets";
import {
  FHIR_MAIN_INDEXES,
  MSSQL_COMPARE,
  MSSQL_COPY_BATCH,
  MSSQL_REGISTER_TYPES,
  mssqlCutover,
  mssqlDropRetired,
  mssqlSetupBatches,
  mssqlSwitchBack,
  PARTITION_AWARE_INDEXES,
  RESOURCE_COLUMNS_MSSQL,
  SQLFLEET_STORE_INDEXES,
} from "../../schema/strategies/staging/mssql";
import { MSSQL_STATS_SQL } from "../../schema/strategies/planner/stats";

const all = () => [...mssqlSetupBatches(), MSSQL_REGISTER_TYPES, MSSQL_COPY_BATCH, MSSQL_COMPARE, mssqlCutover(), mssqlSwitchBack(), mssqlDropRetired(7), MSSQL_STATS_SQL];

/** Statement lines of a script, trimmed, comments dropped. */
const lines = (sql: string) => sql.split("\n").map((l) => l.trim()).filter((l) => l && !l.startsWith("--"));

describe("staging T-SQL (SQL Server)", () => {
  it("sends every script as exactly one batch (no GO)", () => {
    for (const sql of all()) expect(mssqlDialect.splitBatches(sql)).toHaveLength(1);
  });

  it("switches both partitions inside one transaction, after XACT_ABORT and a short LOCK_TIMEOUT", () => {
    for (const [sql, out, inn] of [
      [mssqlCutover(), "ALTER TABLE dbo.Resource SWITCH PARTITION @p TO dbo.Resource_Retired PARTITION @p;", "ALTER TABLE dbo.Resource_Staging SWITCH PARTITION @p TO dbo.Resource PARTITION @p;"],
      [mssqlSwitchBack(), "ALTER TABLE dbo.Resource SWITCH PARTITION @p TO dbo.Resource_Staging PARTITION @p;", "ALTER TABLE dbo.Resource_Retired SWITCH PARTITION @p TO dbo.Resource PARTITION @p;"],
    ]) {
      const l = lines(sql);
      expect(l[0]).toBe("SET XACT_ABORT ON;");
      expect(l[1]).toBe("SET LOCK_TIMEOUT 500;");
      const begin = l.indexOf("BEGIN TRANSACTION;");
      const commit = l.indexOf("COMMIT TRANSACTION;");
      expect(begin).toBeGreaterThan(1);
      expect(l.indexOf(out)).toBeGreaterThan(begin);
      expect(l.indexOf(inn)).toBeGreaterThan(l.indexOf(out));
      expect(commit).toBeGreaterThan(l.indexOf(inn));
      // The partition number comes from the partition function of the type id parameter, never a literal.
      expect(l).toContain("DECLARE @p int = $PARTITION.PartitionFunction_ResourceTypeId(@p1);");
    }
    expect(lines(mssqlCutover(250))[1]).toBe("SET LOCK_TIMEOUT 250;");
  });

  it("rejects lock timeouts and partition numbers outside their ranges, naming the value", () => {
    expect(() => mssqlCutover(10)).toThrow("staging (SQL Server): lockTimeoutMs must be an integer from 50 to 60000; got 10");
    expect(() => mssqlSwitchBack(1.5)).toThrow("lockTimeoutMs must be an integer from 50 to 60000; got 1.5");
    expect(() => mssqlDropRetired(0)).toThrow("partitionNumber must be an integer from 1 to 15000; got 0");
  });

  it("copies by key range with the rows read held until commit, values only as parameters", () => {
    expect(MSSQL_COPY_BATCH).toContain("FROM dbo.Resource AS r WITH (REPEATABLEREAD)");
    expect(MSSQL_COPY_BATCH).toContain("r.ResourceTypeId = @p1 AND r.ResourceSurrogateId > CAST(@p2 AS bigint) AND r.ResourceSurrogateId <= CAST(@p3 AS bigint)");
    expect(MSSQL_COPY_BATCH).toContain("WITH (UPDLOCK, HOLDLOCK)");
    // No literal other than the partition id 1 and the state word.
    const literals = MSSQL_COPY_BATCH.match(/'[^']*'/g) ?? [];
    expect(literals).toEqual(["'staged'"]);
    for (const sql of [MSSQL_COPY_BATCH, MSSQL_COMPARE, MSSQL_REGISTER_TYPES]) expect(sql).not.toMatch(/\$\{|\+ *@/);
    expect(MSSQL_REGISTER_TYPES).toContain("rt.Name IN (SELECT [value] FROM OPENJSON(@p1))");
  });

  it("compares rows and content checksums of one type in one statement (one snapshot under RCSI)", () => {
    expect(MSSQL_COMPARE.trim().startsWith("SELECT")).toBe(true);
    expect(MSSQL_COMPARE.match(/COUNT_BIG\(\*\)/g)).toHaveLength(3);
    expect(MSSQL_COMPARE.match(/CHECKSUM_AGG\(BINARY_CHECKSUM\(/g)).toHaveLength(2);
    expect(MSSQL_COMPARE).toContain("HASHBYTES('SHA2_256', RawResource)");
  });

  it("builds twin tables with exactly the columns of the dbo.Resource sqlfleet creates, plus PartitionId", () => {
    const store = buildSet("fhir-partitioning", "mssql").migrations[0].steps.find((s) => s.name === "resource")!;
    const ddl = (store.up[0] as { sql: string }).sql;
    const cols = [...ddl.matchAll(/^ {2}(\w+) (?:smallint|varchar|int|bit|bigint|varbinary)/gm)].map((m) => m[1]);
    expect(cols).toEqual([...RESOURCE_COLUMNS_MSSQL]);
    const [, staging, retired] = mssqlSetupBatches(SQLFLEET_STORE_INDEXES);
    for (const twin of [staging, retired]) {
      const twinCols = [...twin.matchAll(/^ {4}(\w+) (?:smallint|varchar|int|bit|bigint|varbinary)/gm)].map((m) => m[1]);
      expect(twinCols).toEqual([...RESOURCE_COLUMNS_MSSQL, "PartitionId"]);
      expect(twin).toContain("PRIMARY KEY CLUSTERED (ResourceTypeId, ResourceSurrogateId) WITH (DATA_COMPRESSION = PAGE)");
      expect(twin).toContain(") ON PartitionScheme_ResourceTypeId (ResourceTypeId);");
      expect(twin.match(/CREATE (UNIQUE )?NONCLUSTERED INDEX/g)).toHaveLength(SQLFLEET_STORE_INDEXES.length + PARTITION_AWARE_INDEXES.length);
    }
  });

  it("gives the twins the same index keys as dbo.Resource after the incremental index steps", () => {
    const set = buildSet("fhir-partitioning", "mssql");
    const texts = set.migrations.flatMap((m) => m.steps.flatMap((s) => s.up.filter((a) => "sql" in a).map((a) => (a as { sql: string }).sql)));
    const live = texts
      .flatMap((t) => [...t.matchAll(/CREATE UNIQUE NONCLUSTERED INDEX (\w+) ON dbo\.Resource \(([^)]+)\)(?:\s*INCLUDE \(([^)]+)\))?(?:\s*WHERE ([^\n]+?))?\s*\n?WITH/g)])
      .map((m) => ({ name: m[1], columns: m[2], include: m[3], where: m[4]?.trim() }))
      .sort((a, b) => a.name.localeCompare(b.name));
    const ours = [...SQLFLEET_STORE_INDEXES, ...PARTITION_AWARE_INDEXES]
      .map((i) => ({ name: i.name, columns: i.columns, include: i.include, where: i.where }))
      .sort((a, b) => a.name.localeCompare(b.name));
    expect(live).toEqual(ours);
    expect(FHIR_MAIN_INDEXES).toHaveLength(5);
  });

  it("refuses to set up before dbo.Resource has PartitionId, and checks the twins' indexes against it", () => {
    const b = mssqlSetupBatches();
    expect(b[0]).toContain("IF COL_LENGTH(N'dbo.Resource', N'PartitionId') IS NULL");
    expect(b[0]).toContain("THROW 50001");
    expect(b.filter((x) => x.includes("THROW 50003"))).toHaveLength(2);
    const trigger = b.find((x) => x.startsWith("CREATE OR ALTER TRIGGER dbo.Resource_StagingSync"))!;
    expect(trigger).toContain("AFTER INSERT, UPDATE, DELETE");
    expect(trigger).toContain("t.State = 'staged'");
    expect(trigger).toContain("t.State = 'swapped'");
  });
});
