// The environment stack's browse and download resources (seed 003): the workbook over the workspace, the data
// export of the audit table to the locked-down account, and the plan's link to the workbook.
import { describe, expect, it } from "vitest";
import { auditWorkbookContent, stableUuid } from "../../components";
import { evaluatePolicies } from "../../policies/runner";
import { runPlan } from "../../stacks/plan/run";
import { workbookLinks } from "../../stacks/plan/links";
import { recordStack } from "../../stacks/record-stack";
import { Fleet } from "../../stacks/fleet-model";

describe("environment stack (prod): audit workbook and export", () => {
  it("wires the workbook and the export to the environment's workspace, and the retention policy reads the export", async () => {
    const { recording } = await recordStack("prod");
    const law = recording.one("monitoring-law", "azure-native:operationalinsights:Workspace");
    const wb = recording.one("audit-workbook", "azure-native:applicationinsights:Workbook");
    expect(wb.inputs).toMatchObject({ resourceGroupName: "rg-sqlfprod-prod", location: "eastus2", kind: "shared", resourceName: stableUuid("sqlfleet-audit-workbook:prod"), sourceId: law.outputs.id });
    expect(JSON.parse(String(wb.inputs.serializedData))).toEqual(auditWorkbookContent(String(law.outputs.id)));
    const rule = recording.one("audit-export-rule", "azure-native:operationalinsights:DataExport");
    const account = recording.one("audit-export-st", "azure-native:storage:StorageAccount");
    expect(rule.inputs).toMatchObject({ workspaceName: "log-sqlfprod-prod", tableNames: ["AzureDiagnostics"], resourceId: account.outputs.id, enable: true });
    expect(account.inputs).toMatchObject({ accountName: "stsqlfprodprodaudit", location: "eastus2", allowBlobPublicAccess: false, allowSharedKeyAccess: false, minimumTlsVersion: "TLS1_2" });
    expect(account.protect).toBe(true);
    const lifecycle = recording.one("audit-export-lifecycle", "azure-native:storage:ManagementPolicy");
    const mandatory = async () => (await evaluatePolicies(recording)).filter((d) => d.enforcementLevel === "mandatory");
    expect(await mandatory()).toEqual([]);
    // The retention rule follows DataExport → account → lifecycle policy (stack policies read outputs): shorten the
    // recorded rule and it fails.
    const del = (lifecycle.outputs.policy as { rules: { definition: { actions: { baseBlob: { delete: { daysAfterModificationGreaterThan: number } } } } }[] }).rules[0].definition.actions.baseBlob.delete;
    expect(del.daysAfterModificationGreaterThan).toBe(365);
    del.daysAfterModificationGreaterThan = 30;
    expect((await mandatory()).map((d) => [d.policyId, d.message])).toEqual([["sqlfleet-stack-audit-retention", expect.stringMatching(/audit-export-rule.*after 30 days; must be ≥ 90/)]]);
  });

  it("the plan of an environment links the workbook; a customer plan has none", async () => {
    const report = await runPlan("prod", { fleet: new Fleet(), skipPolicies: true });
    const links = workbookLinks(report.resources);
    expect(links).toEqual([
      {
        displayName: "sqlfleet audit and metrics (prod)",
        id: `/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-sqlfprod-prod/providers/Microsoft.Insights/workbooks/${stableUuid("sqlfleet-audit-workbook:prod")}`,
        portalUrl: `https://portal.azure.com/#resource/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-sqlfprod-prod/providers/Microsoft.Insights/workbooks/${stableUuid("sqlfleet-audit-workbook:prod")}/workbook`,
        placeholderSubscription: true,
      },
    ]);
    expect(workbookLinks((await runPlan("prod-fortis", { fleet: new Fleet(), skipPolicies: true })).resources)).toEqual([]);
  }, 120_000);
});
