// The audit data export (operationalinsights DataExport → storage) and its storage account under Pulumi's mocks.
import { describe, expect, it } from "vitest";
import { AuditExport, Monitoring, type AuditExportArgs } from "../../components";
import { expectValidationError, recordProgram } from "../support/recorder";
import { RG } from "./fixtures";

const base: Omit<AuditExportArgs, "workspaceName"> = { resourceGroupName: RG, location: "eastus2", accountName: "stsqlfprodprodaudit", workspaceRetentionDays: 90 };

async function recordExport(args: Partial<AuditExportArgs> = {}) {
  return recordProgram(() => {
    const m = new Monitoring("mon", { resourceGroupName: RG, location: "eastus2", workspaceName: "log-sqlfprod-prod" });
    new AuditExport("audit-export", { ...base, workspaceName: m.workspaceName, ...args }, { parent: m });
  });
}

describe("AuditExport", () => {
  it("exports the audit table continuously to the account (storage destination, no event hub)", async () => {
    const { recording } = await recordExport();
    const rule = recording.one("audit-export-rule", "azure-native:operationalinsights:DataExport");
    const account = recording.one("audit-export-st", "azure-native:storage:StorageAccount");
    const law = recording.one("mon-law", "azure-native:operationalinsights:Workspace");
    expect(rule.inputs).toMatchObject({ resourceGroupName: RG, workspaceName: "log-sqlfprod-prod", dataExportName: "sqlfleet-audit-to-storage", tableNames: ["AzureDiagnostics"], resourceId: account.outputs.id, enable: true });
    expect(rule.inputs.eventHubName).toBeUndefined();
    expect(rule.propertyDependencies.resourceId).toContain(account.urn);
    expect(rule.propertyDependencies.workspaceName).toContain(law.urn);
    expect(account.outputs.id).toBe(`/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/${RG}/providers/Microsoft.Storage/storageAccounts/stsqlfprodprodaudit`);
    const component = recording.one("audit-export", "sqlfleet:monitor:AuditExport");
    expect(component.parent).toBe(recording.one("mon").urn);
    expect([rule.parent, account.parent]).toEqual([component.urn, component.urn]);
  });

  it("locks the storage account down: TLS 1.2, HTTPS only, no anonymous or shared-key access, default deny, infrastructure encryption, protected", async () => {
    const { recording } = await recordExport();
    const account = recording.one("audit-export-st", "azure-native:storage:StorageAccount");
    expect(account.inputs).toMatchObject({
      accountName: "stsqlfprodprodaudit",
      kind: "StorageV2",
      sku: { name: "Standard_GRS" },
      minimumTlsVersion: "TLS1_2",
      enableHttpsTrafficOnly: true,
      allowBlobPublicAccess: false,
      allowSharedKeyAccess: false,
      defaultToOAuthAuthentication: true,
      allowCrossTenantReplication: false,
      networkRuleSet: { defaultAction: "Deny", bypass: "AzureServices", ipRules: [], virtualNetworkRules: [] },
      encryption: { keySource: "Microsoft.Storage", requireInfrastructureEncryption: true },
    });
    expect(account.protect).toBe(true);
    const blob = recording.one("audit-export-blob", "azure-native:storage:BlobServiceProperties");
    expect(blob.inputs).toMatchObject({ accountName: "stsqlfprodprodaudit", deleteRetentionPolicy: { enabled: true, days: 30 }, containerDeleteRetentionPolicy: { enabled: true, days: 30 } });
    const { recording: deprovisioned } = await recordExport({ deprovision: true });
    expect(deprovisioned.one("audit-export-st").protect).toBe(false);
  });

  it("deletes exported blobs only after the retention, in the am-<table> containers the export writes", async () => {
    const { recording } = await recordExport({ retentionDays: 400 });
    const policy = recording.one("audit-export-lifecycle", "azure-native:storage:ManagementPolicy");
    const account = recording.one("audit-export-st");
    expect(policy.propertyDependencies.accountName).toContain(account.urn);
    expect(policy.inputs.policy).toEqual({
      rules: [
        {
          name: "delete-exported-logs-after-retention",
          enabled: true,
          type: "Lifecycle",
          definition: { filters: { blobTypes: ["appendBlob", "blockBlob"], prefixMatch: ["am-azurediagnostics"] }, actions: { baseBlob: { delete: { daysAfterModificationGreaterThan: 400 } } } },
        },
      ],
    });
    const { recording: byDefault } = await recordExport();
    expect(byDefault.one("audit-export-lifecycle").inputs.policy).toMatchObject({ rules: [{ definition: { actions: { baseBlob: { delete: { daysAfterModificationGreaterThan: 365 } } } } }] });
  });

  it("refuses a retention shorter than the workspace keeps logs, and a bad account name, before registering anything", async () => {
    const make = (args: Partial<AuditExportArgs>) => () => new AuditExport("x", { ...base, workspaceName: "law", ...args });
    await expectValidationError(make({ workspaceRetentionDays: 180, retentionDays: 120 }), ["retentionDays", "120", "from 180"]);
    await expectValidationError(make({ accountName: "st-with-hyphens" }), ["accountName", "st-with-hyphens"]);
    await expectValidationError(make({ tables: [] }), ["tables"]);
  });
});
