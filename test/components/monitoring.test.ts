import { describe, expect, it } from "vitest";
import { AUDIT_QUERIES, Monitoring, type MonitoringArgs } from "../../components";
import { expectValidationError, recordProgram } from "../support/recorder";
import { RG } from "./fixtures";

const base: MonitoringArgs = { resourceGroupName: RG, location: "westeurope", workspaceName: "law-sqlfleet-test" };

function monitoring(args: Partial<MonitoringArgs> = {}) {
  return () => {
    new Monitoring("mon", { ...base, ...args });
  };
}

describe("Monitoring", () => {
  it("creates a PerGB2018 workspace with 90-day retention and local auth off", async () => {
    let m!: Monitoring;
    const { recording, outputs } = await recordProgram(() => {
      m = new Monitoring("mon", base);
      return { id: m.workspaceId, diag: m.diagnostics.workspaceId };
    });
    const law = recording.one("mon-law", "azure-native:operationalinsights:Workspace");
    expect(law.inputs).toMatchObject({ workspaceName: "law-sqlfleet-test", location: "westeurope", sku: { name: "PerGB2018" }, retentionInDays: 90, features: { disableLocalAuth: true } });
    expect(law.parent).toBe(recording.one("mon", "sqlfleet:monitor:Monitoring").urn);
    expect(outputs.id).toBe(law.outputs.id);
    expect(outputs.diag).toBe(law.outputs.id);
  });

  it("saves audit queries for failed logins, permission changes and schema changes", async () => {
    const { recording } = await recordProgram(monitoring());
    const searches = recording.ofType("azure-native:operationalinsights:SavedSearch");
    expect(searches.map((s) => s.inputs.functionAlias)).toEqual(["sqlfleet_failed_logins", "sqlfleet_permission_changes", "sqlfleet_schema_changes", "sqlfleet_audit_events"]);
    for (const s of searches) {
      expect(s.inputs).toMatchObject({ workspaceName: "law-sqlfleet-test", category: "sqlfleet audit" });
      expect(String(s.inputs.query)).toContain('Category == "SQLSecurityAuditEvents"');
    }
    expect(String(recording.one("mon-sqlfleet-failed-logins").inputs.query)).toContain('"DATABASE AUTHENTICATION FAILED"');
  });

  it("has queries whose regexes match the statements they are meant to find", () => {
    // The KQL regex bodies are RE2; these are also valid JS regexes, so check them against sample statements.
    const regexOf = (id: string) => {
      const q = AUDIT_QUERIES.find((x) => x.id === id)!.query;
      const m = /matches regex @"\(\?i\)(.*)"/.exec(q)!;
      return new RegExp(m[1].replace(/\\\\/g, "\\"), "i");
    };
    const perms = regexOf("sqlfleet-permission-changes");
    expect(perms.test("GRANT SELECT ON dbo.Resource TO reader")).toBe(true);
    expect(perms.test("ALTER ROLE db_owner ADD MEMBER [app]")).toBe(true);
    expect(perms.test("CREATE USER [app] FROM EXTERNAL PROVIDER")).toBe(true);
    expect(perms.test("SELECT * FROM dbo.Resource")).toBe(false);
    const ddl = regexOf("sqlfleet-schema-changes");
    expect(ddl.test("ALTER TABLE dbo.Resource ADD PartitionId smallint")).toBe(true);
    expect(ddl.test("  create index IX_Resource_PartitionId on dbo.Resource (PartitionId)")).toBe(true);
    expect(ddl.test("CREATE PARTITION FUNCTION pf (int) AS RANGE RIGHT FOR VALUES (1)")).toBe(true);
    expect(ddl.test("UPDATE dbo.Resource SET PartitionId = 1")).toBe(false);
  });

  it("adds diagnostic settings for targets, the master database for servers and metrics only for pools", async () => {
    const { recording } = await recordProgram(
      monitoring({
        targets: [
          { name: "sql", resourceId: "/subs/s/servers/sql-weu", kind: "server" },
          { name: "pool", resourceId: "/subs/s/servers/sql-weu/elasticPools/p1", kind: "pool" },
          { name: "kv", resourceId: "/subs/s/vaults/kv1", kind: "vault" },
        ],
      }),
    );
    const law = recording.one("mon-law");
    const sql = recording.one("mon-sql-diag", "azure-native:monitor:DiagnosticSetting");
    expect(sql.inputs).toMatchObject({
      resourceUri: "/subs/s/servers/sql-weu/databases/master",
      workspaceId: law.outputs.id,
      logAnalyticsDestinationType: "Dedicated",
      logs: [
        { category: "SQLSecurityAuditEvents", enabled: true },
        { category: "DevOpsOperationsAudit", enabled: true },
      ],
      metrics: [],
    });
    expect(recording.one("mon-pool-diag").inputs).toMatchObject({ logs: [], metrics: [{ category: "AllMetrics", enabled: true }] });
    expect(recording.one("mon-kv-diag").inputs).toMatchObject({ resourceUri: "/subs/s/vaults/kv1", logs: [{ categoryGroup: "allLogs", enabled: true }] });
  });

  it("can skip the saved queries", async () => {
    const { recording } = await recordProgram(monitoring({ savedQueries: false }));
    expect(recording.ofType("azure-native:operationalinsights:SavedSearch")).toEqual([]);
  });

  describe("validation", () => {
    it("rejects retention below 30 days", () => expectValidationError(monitoring({ retentionInDays: 7 }), ["Monitoring", '"mon"', "retentionInDays", "7", "30 to 730"]));
    it("rejects an unknown target kind", () =>
      expectValidationError(monitoring({ targets: [{ name: "x", resourceId: "/x", kind: "storage" as never }] }), ["targets[0].kind", "storage"]));
    it("rejects duplicate target names", () =>
      expectValidationError(monitoring({ targets: [{ name: "x", resourceId: "/x", kind: "vault" }, { name: "x", resourceId: "/y", kind: "vault" }] }), ["targets[1].name", "unique"]));
  });
});
