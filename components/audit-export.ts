// The download side of the audit log: a Log Analytics data-export rule that continuously copies the audit table to a
// storage account. The service writes one container per table (am-<table>) of append blobs, one JSON record per
// line, per hour — the common format the seed asks for, with no job to schedule.
// The account has secure defaults: TLS 1.2, HTTPS only, no anonymous blob access, no shared keys (Entra only),
// no cross-tenant replication, infrastructure encryption, network default deny with the trusted-services bypass
// the workspace export needs, soft delete, and a lifecycle rule that deletes exported blobs only after the
// retention (never sooner than the workspace keeps them; policy sqlfleet-stack-audit-retention checks it).
import * as operationalinsights from "@pulumi/azure-native/operationalinsights";
import * as storage from "@pulumi/azure-native/storage";
import * as pulumi from "@pulumi/pulumi";
import { AUDIT_TABLE } from "./audit-queries";
import { withTags } from "./options";
import type { Tags } from "./types";
import { Validator } from "./validation";

export interface AuditExportArgs {
  resourceGroupName: pulumi.Input<string>;
  location: string;
  /** Globally unique storage account name: 3–24 lower-case letters and digits. */
  accountName: string;
  /** The workspace's Azure name (the export rule is its child). */
  workspaceName: pulumi.Input<string>;
  /** Days the workspace keeps logs: the export may not delete sooner. */
  workspaceRetentionDays: number;
  /** Days exported blobs are kept; default 365, at least the workspace retention. */
  retentionDays?: number;
  /** Tables to export; default the audit table (AzureDiagnostics, where SQLSecurityAuditEvents lands). */
  tables?: string[];
  /** Lift protect on the account (environment deprovisioning). */
  deprovision?: boolean;
  tags?: Tags;
}

export function validateAuditExportArgs(name: string, args: AuditExportArgs) {
  const v = new Validator("AuditExport", name);
  v.pattern("location", args.location, /^[a-z0-9]+$/, "an Azure region name such as westeurope");
  v.pattern("accountName", args.accountName, /^[a-z0-9]{3,24}$/, "3–24 lower-case letters and digits (storage account names are global)");
  const retentionDays = args.retentionDays ?? 365;
  v.intRange("retentionDays", retentionDays, Math.max(30, args.workspaceRetentionDays), 36500);
  const tables = args.tables ?? [AUDIT_TABLE];
  v.check(tables.length > 0 && tables.length <= 10, "tables", tables, "1–10 table names");
  for (const [i, t] of tables.entries()) v.pattern(`tables[${i}]`, t, /^[A-Za-z][A-Za-z0-9_]{0,62}$/, "a Log Analytics table name");
  return { retentionDays, tables };
}

export class AuditExport extends pulumi.ComponentResource {
  readonly account: storage.StorageAccount;
  readonly rule: operationalinsights.DataExport;
  readonly lifecycle: storage.ManagementPolicy;

  constructor(name: string, args: AuditExportArgs, opts?: pulumi.ComponentResourceOptions) {
    const { retentionDays, tables } = validateAuditExportArgs(name, args);
    super("sqlfleet:monitor:AuditExport", name, {}, opts);
    this.account = new storage.StorageAccount(
      `${name}-st`,
      {
        resourceGroupName: args.resourceGroupName,
        location: args.location,
        accountName: args.accountName,
        kind: storage.Kind.StorageV2,
        sku: { name: storage.SkuName.Standard_GRS },
        accessTier: storage.AccessTier.Hot,
        minimumTlsVersion: storage.MinimumTlsVersion.TLS1_2,
        enableHttpsTrafficOnly: true,
        allowBlobPublicAccess: false,
        allowSharedKeyAccess: false,
        defaultToOAuthAuthentication: true,
        allowCrossTenantReplication: false,
        // The export is a trusted Microsoft service: default deny keeps everything else off the public endpoint.
        publicNetworkAccess: storage.PublicNetworkAccess.Enabled,
        networkRuleSet: { defaultAction: storage.DefaultAction.Deny, bypass: storage.Bypass.AzureServices, ipRules: [], virtualNetworkRules: [] },
        encryption: {
          keySource: storage.KeySource.Microsoft_Storage,
          requireInfrastructureEncryption: true,
          services: { blob: { enabled: true, keyType: storage.KeyType.Account }, file: { enabled: true, keyType: storage.KeyType.Account } },
        },
        tags: withTags(args.tags, { purpose: "sql-audit-export" }),
      },
      { parent: this, protect: !args.deprovision },
    );
    new storage.BlobServiceProperties(
      `${name}-blob`,
      {
        resourceGroupName: args.resourceGroupName,
        accountName: this.account.name,
        blobServicesName: "default",
        deleteRetentionPolicy: { enabled: true, days: 30 },
        containerDeleteRetentionPolicy: { enabled: true, days: 30 },
      },
      { parent: this },
    );
    this.lifecycle = new storage.ManagementPolicy(
      `${name}-lifecycle`,
      {
        resourceGroupName: args.resourceGroupName,
        accountName: this.account.name,
        managementPolicyName: "default",
        policy: {
          rules: [
            {
              name: "delete-exported-logs-after-retention",
              enabled: true,
              type: storage.RuleType.Lifecycle,
              definition: {
                // Data export writes append blobs into am-<table> containers.
                filters: { blobTypes: ["appendBlob", "blockBlob"], prefixMatch: tables.map((t) => `am-${t.toLowerCase()}`) },
                actions: { baseBlob: { delete: { daysAfterModificationGreaterThan: retentionDays } } },
              },
            },
          ],
        },
      },
      { parent: this },
    );
    this.rule = new operationalinsights.DataExport(
      `${name}-rule`,
      {
        resourceGroupName: args.resourceGroupName,
        workspaceName: args.workspaceName,
        dataExportName: "sqlfleet-audit-to-storage",
        tableNames: tables,
        resourceId: this.account.id,
        enable: true,
      },
      { parent: this },
    );
    this.registerOutputs({ accountId: this.account.id, ruleId: this.rule.id });
  }
}
