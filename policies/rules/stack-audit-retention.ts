// Production audit retention: wherever audit and diagnostic logs of SQL servers, databases, Key Vaults and
// PostgreSQL servers go — a Log Analytics workspace, a storage account (legacy diagnostic retention, SQL auditing
// or a workspace data export to storage — they must be kept at least the configured days. SQL auditing written
// straight to storage is checked by sqlfleet-sql-server-auditing (minAuditRetentionDays).
import * as dbforpostgresql from "@pulumi/azure-native/dbforpostgresql";
import * as keyvault from "@pulumi/azure-native/keyvault";
import * as monitor from "@pulumi/azure-native/monitor";
import * as operationalinsights from "@pulumi/azure-native/operationalinsights";
import * as sql from "@pulumi/azure-native/sql";
import * as storage from "@pulumi/azure-native/storage";
import type { PolicyResource } from "@pulumi/policy";
import { label, ofType, sources, usesOutputOf } from "../graph";
import type { StackRule } from "../rule";
import { cfgNumber, isBlank, show } from "../values";

type Rec = Record<string, unknown>;

/** Resources whose logs are audit evidence (a diagnostic setting on one of them, or on a server's master database). */
const AUDITED = [sql.Server, sql.Database, keyvault.Vault, dbforpostgresql.Server];
/** Azure's retention when a workspace does not set retentionInDays. */
const WORKSPACE_DEFAULT_DAYS = 30;

function auditsAudited(d: PolicyResource): boolean {
  return sources(d, "resourceUri", ...AUDITED).length > 0 || /\/providers\/Microsoft\.(Sql|KeyVault|DBforPostgreSQL)\//i.test(String(d.props.resourceUri ?? ""));
}

/** The shortest delete-after age (days) of a storage lifecycle policy; undefined when it never deletes base blobs. */
function lifecycleDeleteDays(policy: PolicyResource): number | undefined {
  const rules = ((policy.props.policy as Rec | undefined)?.rules as Rec[] | undefined) ?? [];
  const ages = rules
    .filter((r) => r.enabled !== false)
    .map((r) => (((((r.definition as Rec | undefined)?.actions as Rec | undefined)?.baseBlob as Rec | undefined)?.delete as Rec | undefined) ?? {}))
    .flatMap((d) => [d.daysAfterModificationGreaterThan, d.daysAfterCreationGreaterThan])
    .filter((n): n is number => typeof n === "number");
  return ages.length ? Math.min(...ages) : undefined;
}

export const stackAuditRetention: StackRule = {
  kind: "stack",
  id: "sqlfleet-stack-audit-retention",
  title: "Production audit logs are kept long enough",
  description:
    "In production, audit and diagnostic logs of SQL servers, databases, Key Vaults and PostgreSQL servers must be retained at least the configured days wherever they go: the Log Analytics workspace (retentionInDays), storage (diagnostic retentionPolicy) and workspace data exports to storage (the account's lifecycle delete rules).",
  level: "mandatory",
  severity: "high",
  productionOnly: true,
  anchors: { mcsb: ["LT-6"], cis: ["CIS Azure 3.0 5.1.6"], azurePolicy: ["89099bee-89e0-4b26-a5f4-165451757743"], checkov: ["CKV_AZURE_24"], pci: ["10.5.1"] },
  remediation: "Set the environment's logRetentionDays (the workspace's retentionInDays) to at least the minimum; diagnostic storage retention to 0 (keep) or at least the minimum; lifecycle delete rules on export accounts to at least the minimum.",
  config: {
    minRetentionDays: { type: "integer", minimum: 1, maximum: 730, default: 90, description: "Minimum days audit and diagnostic logs are kept." },
  },
  check({ resources, cfg, report, guard }) {
    const min = cfgNumber(cfg, "minRetentionDays");
    const knownAudited = (d: PolicyResource): boolean => {
      let audited = true;
      guard(d.urn, `target of ${label(d)}`, () => (audited = auditsAudited(d)));
      return audited;
    };
    const diags = ofType(resources, monitor.DiagnosticSetting).filter(knownAudited);
    // Workspaces: those the audited resources' settings feed, and every workspace of the stack when it has none
    // (the environment stack owns the workspace customer stacks send to).
    const workspaces = ofType(resources, operationalinsights.Workspace);
    const fed = workspaces.filter((w) => diags.some((d) => usesOutputOf(d, w, "workspaceId")));
    for (const w of fed.length ? fed : workspaces) {
      guard(w.urn, `retention of ${label(w)}`, () => {
        const days = w.props.retentionInDays;
        const eff = typeof days === "number" ? days : WORKSPACE_DEFAULT_DAYS;
        if (eff < min) report.violation(`${label(w)} keeps logs ${show(days)}${days === undefined ? ` (Azure default ${WORKSPACE_DEFAULT_DAYS})` : ""} days; audit logs must be kept ≥ ${min}`, w.urn);
      });
    }
    for (const d of diags) {
      guard(d.urn, `storage retention of ${label(d)}`, () => {
        for (const e of [...((d.props.logs as Rec[] | undefined) ?? [])]) {
          const rp = e.retentionPolicy as Rec | undefined;
          if (rp?.enabled === true && typeof rp.days === "number" && rp.days > 0 && rp.days < min) {
            report.violation(`${label(d)} deletes ${String(e.categoryGroup ?? e.category)} logs from storage after ${rp.days} days; must be 0 (keep) or ≥ ${min}`, d.urn);
          }
        }
      });
    }
    const policies = ofType(resources, storage.ManagementPolicy);
    for (const x of ofType(resources, operationalinsights.DataExport)) {
      guard(x.urn, `destination of ${label(x)}`, () => {
        if (x.props.enable === false || !isBlank(x.props.eventHubName)) return;
        const accounts = sources(x, "resourceId", storage.StorageAccount);
        for (const p of policies.filter((p) => accounts.some((acc) => usesOutputOf(p, acc, "accountName")))) {
          const age = lifecycleDeleteDays(p);
          if (age !== undefined && age < min) report.violation(`${label(x)} exports logs to a storage account whose lifecycle policy ${label(p)} deletes them after ${age} days; must be ≥ ${min}`, x.urn);
        }
      });
    }
  },
};
