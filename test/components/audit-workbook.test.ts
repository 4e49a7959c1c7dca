// The audit workbook resource (applicationinsights Workbook = Microsoft.Insights/workbooks) under Pulumi's mocks,
// and the workbook document our code builds.
import { describe, expect, it } from "vitest";
import { AUDIT_QUERIES, auditWorkbook, auditWorkbookContent, Monitoring, stableUuid, TOP_QUERIES_KQL } from "../../components";
import { expectValidationError, recordProgram } from "../support/recorder";
import { RG } from "./fixtures";

const WORKBOOK = "azure-native:applicationinsights:Workbook";

type Item = { type: number; name: string; content: Record<string, unknown> };

async function recordWorkbook() {
  return recordProgram(() => {
    const m = new Monitoring("mon", { resourceGroupName: RG, location: "eastus2", workspaceName: "log-sqlfprod-prod" });
    auditWorkbook("audit-workbook", { resourceGroupName: RG, location: "eastus2", workspaceId: m.workspaceId, environment: "prod", tags: { environment: "prod" } }, { parent: m });
  });
}

describe("audit workbook", () => {
  it("is a shared workbook named by a stable UUID, sourced from the workspace, under the Monitoring component", async () => {
    const { recording } = await recordWorkbook();
    const wb = recording.one("audit-workbook", WORKBOOK);
    const law = recording.one("mon-law", "azure-native:operationalinsights:Workspace");
    expect(wb.inputs).toMatchObject({
      resourceGroupName: RG,
      location: "eastus2",
      kind: "shared",
      category: "workbook",
      version: "Notebook/1.0",
      displayName: "sqlfleet audit and metrics (prod)",
      sourceId: law.outputs.id,
      tags: { "managed-by": "sqlfleet", environment: "prod" },
    });
    expect(wb.inputs.resourceName).toBe(stableUuid("sqlfleet-audit-workbook:prod"));
    expect(wb.inputs.resourceName).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(stableUuid("sqlfleet-audit-workbook:dev")).not.toBe(wb.inputs.resourceName);
    expect(wb.parent).toBe(recording.one("mon", "sqlfleet:monitor:Monitoring").urn);
    expect(wb.propertyDependencies.sourceId).toContain(law.urn);
    // serializedData is the JSON our builder makes over the recorded workspace id.
    const doc = JSON.parse(String(wb.inputs.serializedData));
    expect(doc).toEqual(auditWorkbookContent(String(law.outputs.id)));
    expect(doc.fallbackResourceIds).toEqual([law.outputs.id]);
  });

  it("queries the audit log and pool metrics with the real table and column names", () => {
    const doc = auditWorkbookContent("/subscriptions/s/resourceGroups/rg/providers/Microsoft.OperationalInsights/workspaces/law");
    expect(doc.version).toBe("Notebook/1.0");
    const items = doc.items as Item[];
    const byName = Object.fromEntries(items.map((i) => [i.name, i]));
    const kql = (name: string) => String(byName[name].content.query);
    // A time-range parameter drives every query.
    const params = byName.parameters.content.parameters as { name: string; type: number; isRequired: boolean }[];
    expect(params).toEqual([expect.objectContaining({ name: "TimeRange", type: 4, isRequired: true })]);
    for (const q of items.filter((i) => i.type === 3)) {
      expect(q.content).toMatchObject({ version: "KqlItem/1.0", queryType: 0, resourceType: "microsoft.operationalinsights/workspaces", timeContextFromParameter: "TimeRange" });
    }
    expect(items.filter((i) => i.type === 3).map((i) => i.name)).toEqual(["failed-logins-over-time", "failed-logins", "permission-changes", "schema-changes", "top-queries", "pool-cpu", "pool-storage"]);
    // The audit items are the saved searches' text, so the workbook and `logs export` show the same events.
    for (const kind of ["failed-logins", "permission-changes", "schema-changes"]) {
      expect(kql(kind)).toBe(AUDIT_QUERIES.find((q) => q.kind === kind)!.query);
      expect(kql(kind)).toContain('AzureDiagnostics\n| where Category == "SQLSecurityAuditEvents"');
    }
    expect(kql("failed-logins-over-time")).toMatch(/action_name_s == "DATABASE AUTHENTICATION FAILED"[\s\S]*summarize failures = count\(\) by principal = server_principal_name_s, bin\(TimeGenerated, \{TimeRange:grain\}\)/);
    expect(kql("top-queries")).toBe(TOP_QUERIES_KQL);
    expect(TOP_QUERIES_KQL).toContain('action_id_s == "BCM"');
    expect(TOP_QUERIES_KQL).toContain("sum(duration_milliseconds_d)");
    expect(TOP_QUERIES_KQL).toContain("statement = substring(statement_s, 0, 300)");
    expect(TOP_QUERIES_KQL).toMatch(/\| top 25 by total_ms desc$/);
    expect(kql("pool-cpu")).toMatch(/^AzureMetrics\n\| where ResourceProvider == "MICROSOFT.SQL" and ResourceId has "\/ELASTICPOOLS\/"\n\| where MetricName == "cpu_percent"\n\| summarize value = avg\(Average\) by pool = Resource/);
    expect(kql("pool-storage")).toContain('MetricName == "storage_percent"');
    expect(kql("pool-storage")).toContain("value = max(Maximum)");
    expect(byName["pool-cpu"].content.visualization).toBe("timechart");
  });

  it("refuses a bad environment name before registering anything", async () => {
    await expectValidationError(() => auditWorkbook("wb", { resourceGroupName: RG, location: "eastus2", workspaceId: "/x", environment: "Prod!" }, {}), ["environment", "Prod!"]);
  });
});
