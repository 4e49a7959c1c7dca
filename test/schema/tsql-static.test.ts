// Static checks of every statement of the migration sets (T-SQL above all, since no SQL Server runs here):
// one batch per statement (no GO), online + resumable index builds, no ADR script defects, values only as
// parameters, and the SQL Server batch cap. The same structural checks run over the PostgreSQL set.
import { describe, expect, it } from "vitest";
import { batchBounds, nextBatchSize } from "../../schema/backfill";
import { mssqlDialect } from "../../schema/dialects/mssql";
import { postgresDialect } from "../../schema/dialects/postgres";
import { staticStatements } from "../../schema/plan";
import { renderTemplate } from "../../schema/templates";
import { buildSet } from "../../schema/sets";
import type { Dialect, Engine } from "../../schema/types";
import { CONFORMANCE } from "./helpers";

const TYPES = ["CodeSystem", "ConceptMap", "NamingSystem", "ValueSet"];

function allStatements(engine: Engine, d: Dialect) {
  const set = buildSet("fhir-partitioning", engine, { conformanceTypes: TYPES });
  return set.migrations.flatMap((m) => m.steps.map((s) => ({ m, s, sqls: staticStatements(d, s) })));
}

describe("T-SQL of fhir-partitioning (SQL Server)", () => {
  const steps = allStatements("mssql", mssqlDialect);
  const sqls = steps.flatMap((x) => x.sqls);

  it("has statements to check", () => {
    expect(steps.map((x) => x.s.name)).toEqual([
      "resource-type",
      "partition-scheme",
      "resource",
      "partition-table",
      "partition-id-column",
      "index-IX_Resource_PartitionId_ResourceTypeId_ResourceId_Version",
      "index-IX_Resource_PartitionId_ResourceTypeId_ResourceId",
      "conformance-backfill",
      "validate",
    ]);
    expect(sqls.length).toBeGreaterThan(40);
  });

  it("sends every statement as exactly one batch (no GO inside)", () => {
    for (const sql of sqls) expect(mssqlDialect.splitBatches(sql), sql.slice(0, 80)).toEqual([sql.trim()]);
    expect(mssqlDialect.splitBatches("SELECT 1\nGO\nSELECT 2\n  go  \nSELECT 3")).toEqual(["SELECT 1", "SELECT 2", "SELECT 3"]);
  });

  it("builds and drops partition-aware indexes online; builds are resumable and resumed", () => {
    const indexSteps = steps.filter((x) => x.s.kind === "index");
    expect(indexSteps).toHaveLength(2);
    for (const { s, sqls: st } of indexSteps) {
      const creates = st.filter((q) => /CREATE\s+UNIQUE\s+NONCLUSTERED\s+INDEX/i.test(q));
      expect(creates, s.name).toHaveLength(1);
      expect(creates[0]).toMatch(/WITH \(ONLINE = ON, RESUMABLE = ON, MAX_DURATION = \d+ MINUTES/);
      expect(creates[0]).toMatch(/ON PartitionScheme_ResourceTypeId \(ResourceTypeId\)$/);
      expect(creates[0]).toMatch(/\(PartitionId, ResourceTypeId, ResourceId/); // re-keyed, not a filtered duplicate
      expect(creates[0]).not.toMatch(/WHERE PartitionId/);
      expect(st.some((q) => /ALTER INDEX \w+ ON dbo\.Resource RESUME/.test(q))).toBe(true);
      expect(st.filter((q) => /DROP INDEX/.test(q)).every((q) => /WITH \(ONLINE = ON\)/.test(q))).toBe(true);
      expect(s.transactional).toBe(false); // resumable builds cannot run inside a user transaction
    }
  });

  it("avoids the ADR script's defects", () => {
    const text = sqls.join("\n;\n");
    expect(text).not.toMatch(/UPDATE\s+TOP/i); // re-scan batching
    expect(text).not.toMatch(/WAITFOR/i); // in-batch loops bounded by the command timeout
    expect(text).not.toMatch(/\bWHILE\b/i);
    expect(text).not.toMatch(/DEFAULT\s+\d+\s+WITH\s+CHECK/i); // not column syntax
    expect(text).not.toMatch(/ADD\s+CONSTRAINT\s+FK_\w+[\s\S]{0,200}WITH\s+CHECK/i);
    expect(text).toMatch(/WITH NOCHECK ADD CONSTRAINT FK_Resource_PartitionId_Partition/);
    // Explicit partition ids, never IDENTITY order.
    const partition = sqls.find((q) => q.includes("CREATE TABLE dbo.Partition"))!;
    expect(partition).not.toMatch(/IDENTITY/);
    expect(sqls.some((q) => q.includes("(CAST(1 AS smallint), 'system'), (CAST(2 AS smallint), 'default')"))).toBe(true);
    // A batch that adds a column never references it elsewhere (compile-time binding, error 207).
    for (const q of sqls) {
      const added = /ALTER TABLE [\w.]+ ADD (\w+) /i.exec(q)?.[1];
      if (!added) continue;
      const code = q.replace(/N?'[^']*'/g, "''"); // string literals are not column references
      expect(code.match(new RegExp(`\\b${added}\\b`, "g")), q).toHaveLength(1);
    }
  });

  it("passes values only as parameters: type names never appear in SQL text", () => {
    for (const sql of sqls) for (const t of TYPES) expect(sql, sql.slice(0, 80)).not.toContain(t);
    const set = buildSet("fhir-partitioning", "mssql", { conformanceTypes: TYPES });
    const bf = set.migrations[1].steps.find((s) => s.kind === "backfill")!.backfill!;
    expect(bf.scopes.params).toEqual([JSON.stringify([...TYPES].sort())]);
    // Each statement uses exactly the parameters it is given (@p1..@pn).
    for (const m of set.migrations)
      for (const s of m.steps)
        for (const q of [s.done, s.estimateRows, s.backfill?.scopes, ...(s.checks ?? []).map((c) => c.sql)].filter(Boolean)) {
          const used = new Set(q!.sql.match(/@p\d+/g) ?? []);
          expect(used.size, q!.sql.slice(0, 60)).toBe((q!.params ?? []).length);
        }
  });

  it("generates backfill SQL from validated identifiers only, with key-range predicates", () => {
    const set = buildSet("fhir-partitioning", "mssql");
    const bf = set.migrations[1].steps.find((s) => s.kind === "backfill")!.backfill!;
    const batch = mssqlDialect.backfillBatchSql({ ...bf });
    expect(batch).toBe(
      "UPDATE [dbo].[Resource] SET [PartitionId] = 1\n     WHERE [ResourceTypeId] = @p1 AND [ResourceSurrogateId] > CAST(@p2 AS bigint) AND [ResourceSurrogateId] <= CAST(@p3 AS bigint) AND ([PartitionId] <> 1)",
    );
    expect(mssqlDialect.nextKeySql({ ...bf })).toMatch(/SELECT TOP \(@p3\) \[ResourceSurrogateId\] AS k FROM \[dbo\]\.\[Resource\]\s+WHERE \[ResourceTypeId\] = @p1 AND \[ResourceSurrogateId\] > CAST\(@p2 AS bigint\)\s+ORDER BY \[ResourceSurrogateId\]/);
    expect(() => mssqlDialect.backfillBatchSql({ ...bf, table: "dbo.Resource; DROP TABLE x" })).toThrow(/invalid qualified-name part "Resource; DROP TABLE x"/);
    expect(() => mssqlDialect.quoteIdent("a]b")).toThrow(/invalid identifier "a\]b"/);
  });

  it("caps SQL Server batches at 4,000 rows whatever the task asks, below lock escalation at 5,000", () => {
    const set = buildSet("fhir-partitioning", "mssql");
    const bf = set.migrations[1].steps.find((s) => s.kind === "backfill")!.backfill!;
    expect(mssqlDialect.maxBatchRows).toBe(4000);
    expect(batchBounds({ ...bf, maxBatch: 10_000 }, mssqlDialect).max).toBe(4000);
    const b = batchBounds(bf, mssqlDialect);
    // Even a very fast measured rate never sizes a batch above the cap.
    let size = 1000;
    for (let i = 0; i < 30; i++) size = nextBatchSize(size, 1_000_000, 5, b);
    expect(size).toBe(4000);
    expect(batchBounds(bf, postgresDialect).max).toBe(4000); // the task itself says 4,000 on SQL Server only…
    const pg = buildSet("fhir-partitioning", "postgres").migrations[1].steps.find((s) => s.kind === "backfill")!.backfill!;
    expect(batchBounds(pg, postgresDialect).max).toBe(50_000); // …PostgreSQL has no lock escalation
  });
});

describe("PostgreSQL statements of fhir-partitioning", () => {
  const steps = allStatements("postgres", postgresDialect);
  const sqls = steps.flatMap((x) => x.sqls);
  it("builds leaf indexes concurrently outside transactions and never hard-codes type names", () => {
    for (const { s, sqls: st } of steps.filter((x) => x.s.kind === "index")) {
      expect(s.transactional).toBe(false);
      expect(st.filter((q) => q.includes("CONCURRENTLY") && q.startsWith("CREATE"))).toHaveLength(1);
      expect(st.some((q) => /CREATE UNIQUE INDEX IF NOT EXISTS \w+ ON ONLY fhir\.resource/.test(q))).toBe(true);
      expect(st.some((q) => /ALTER INDEX fhir\.\w+ ATTACH PARTITION \{\{idx:qualified\}\}/.test(q))).toBe(true);
    }
    for (const sql of sqls) for (const t of [...TYPES, ...CONFORMANCE]) expect(sql).not.toContain(`'${t}'`);
    expect(sqls.join("\n")).not.toMatch(/ADD COLUMN[^\n]*partition_id[^\n]*REFERENCES/i);
  });

  it("quotes and validates identifiers; rejects template values that are not identifiers", () => {
    expect(renderTemplate("DROP INDEX CONCURRENTLY IF EXISTS {{idx:qualified}}", { idx: "fhir.resource_t1_p_rid" }, postgresDialect)).toBe('DROP INDEX CONCURRENTLY IF EXISTS "fhir"."resource_t1_p_rid"');
    expect(() => renderTemplate("SELECT {{x}}", { x: 'a"; DROP TABLE t; --' }, postgresDialect)).toThrow(/invalid identifier/);
    expect(() => renderTemplate("SET (fillfactor = {{v:number}})", { v: "90; DROP" }, postgresDialect)).toThrow(/invalid number/);
    expect(renderTemplate("SET ({{k:keyword}} = {{v:number}})", { k: "fillfactor", v: "90" }, postgresDialect)).toBe("SET (fillfactor = 90)");
    expect(() => renderTemplate("SELECT {{missing}}", {}, postgresDialect)).toThrow(/template column "missing" is missing/);
  });

  it("renders reloption values as numbers or words, nothing else", () => {
    expect(renderTemplate("SET ({{k:keyword}} = {{v:option}})", { k: "autovacuum_enabled", v: "true" }, postgresDialect)).toBe("SET (autovacuum_enabled = true)");
    expect(renderTemplate("SET ({{k:keyword}} = {{v:option}})", { k: "fillfactor", v: "70" }, postgresDialect)).toBe("SET (fillfactor = 70)");
    expect(() => renderTemplate("SET (x = {{v:option}})", { v: "1); DROP TABLE t; --" }, postgresDialect)).toThrow(/invalid number/);
    expect(() => renderTemplate("SET (x = {{v:option}})", { v: "on; DROP" }, postgresDialect)).toThrow();
  });

  it("replays a captured function definition only as a whole CREATE OR REPLACE FUNCTION statement", () => {
    const def = "CREATE OR REPLACE FUNCTION dms.insertreferences(a bigint[])\n RETURNS TABLE(referentialid uuid)\n LANGUAGE plpgsql\nAS $$ BEGIN /* {{not a token}} */ RETURN; END $$\n";
    expect(renderTemplate("{{def:functiondef}}", { def }, postgresDialect)).toBe(def);
    expect(() => renderTemplate("SELECT 1; {{def:functiondef}}", { def }, postgresDialect)).toThrow(/must be the whole statement/);
    expect(() => renderTemplate("{{def:functiondef}}", { def: "DROP TABLE dms.reference" }, postgresDialect)).toThrow(/not a CREATE OR REPLACE FUNCTION/);
  });
});
