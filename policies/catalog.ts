// Every rule of the pack in one list (side-effect free), with the framework metadata derived from its anchors.
import type { PolicyComplianceFramework } from "@pulumi/policy";
import type { Anchors, Rule } from "./rule";
import { keyVaultRules } from "./rules/keyvault";
import { kvExpiryAlerts } from "./rules/keyvault-expiry-alerts";
import { monitoringRules } from "./rules/monitoring";
import { postgresRules } from "./rules/postgres";
import { sqlDatabaseRules } from "./rules/sql-database";
import { sqlServerRules } from "./rules/sql-server";
import { stackAuditRetention } from "./rules/stack-audit-retention";
import { stackCoverageRules } from "./rules/stack-coverage";
import { stackProdDeprovision } from "./rules/stack-prod-deprovision";
import { stackResilienceRules } from "./rules/stack-resilience";

export const PACK_NAME = "sqlfleet-security-benchmark";

export const RULES: readonly Rule[] = [
  ...sqlServerRules,
  ...sqlDatabaseRules,
  ...keyVaultRules,
  kvExpiryAlerts,
  ...postgresRules,
  ...monitoringRules,
  ...stackCoverageRules,
  ...stackResilienceRules,
  stackAuditRetention,
  stackProdDeprovision,
];

/** Microsoft cloud security benchmark v3 control titles used by the rules. */
const MCSB_TITLES: Record<string, string> = {
  "NS-2": "Secure cloud services with network controls",
  "IM-1": "Use centralized identity and authentication system",
  "IM-4": "Authenticate server and services",
  "DP-3": "Encrypt sensitive data in transit",
  "DP-4": "Enable data at rest encryption by default",
  "DP-5": "Use customer-managed key option in data at rest encryption when required",
  "DP-6": "Use a secure key management process",
  "DP-8": "Ensure security of key and certificate repository",
  "LT-1": "Enable threat detection capabilities",
  "LT-2": "Enable threat detection for identity and access management",
  "LT-3": "Enable logging for security investigation",
  "LT-6": "Configure log storage retention",
  "PV-5": "Perform vulnerability assessments",
  "PA-7": "Follow just enough administration (least privilege) principle",
  "IR-3": "Detection and analysis - create incidents based on high-quality alerts",
  "IR-5": "Detection and analysis - prioritize incidents",
  "BR-1": "Ensure regular automated backups",
  "BR-2": "Protect backup and recovery data",
};

/** The primary framework: the first MCSB control, else CIS, else PCI DSS, else ISO 27001. */
export function frameworkOf(a: Anchors): PolicyComplianceFramework {
  const mcsb = a.mcsb?.[0];
  if (mcsb) return { name: "mcsb", version: "v3", reference: mcsb, specification: MCSB_TITLES[mcsb] ?? mcsb };
  const cis = a.cis?.[0];
  if (cis) {
    const m = /^CIS (Azure|Controls) (\S+) (.+)$/.exec(cis);
    return m
      ? { name: m[1] === "Azure" ? "cis-azure-foundations" : "cis-controls", version: m[2], reference: m[3], specification: cis }
      : { name: "cis", version: "", reference: cis, specification: cis };
  }
  const pci = a.pci?.[0];
  if (pci) return { name: "pci-dss", version: "4.0.1", reference: pci, specification: `PCI DSS v4.0.1 requirement ${pci}` };
  const iso = a.iso?.[0];
  if (iso) return { name: "iso-27001", version: "2022", reference: iso, specification: `ISO/IEC 27001:2022 ${iso}` };
  throw new Error("a rule needs an MCSB, CIS, PCI DSS or ISO 27001 anchor");
}

/** Every anchor as a `<source>:<id>` tag. */
export function tagsOf(a: Anchors): string[] {
  const prefix: [keyof Anchors, string][] = [
    ["mcsb", "mcsb"],
    ["azurePolicy", "azure-policy"],
    ["cis", "cis"],
    ["checkov", "checkov"],
    ["pci", "pci-dss-4.0.1"],
    ["iso", "iso-27001-2022"],
    ["pulumi", "pulumi"],
  ];
  return prefix.flatMap(([k, p]) => (a[k] ?? []).map((v) => `${p}:${v}`));
}
