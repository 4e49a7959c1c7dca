// PostgreSQL Flexible Server rules (Ed-Fi DMS): network, Entra auth, CMK, resilience, TLS and logging server
// parameters, firewall (research/policies.md §5.4).
import * as dbforpostgresql from "@pulumi/azure-native/dbforpostgresql";
import type { ResourceRule } from "../rule";
import { cfgBool, cfgNumber, eqi, firewallRangeProblem, isBlank, show } from "../values";

type Rec = Record<string, unknown>;
const sub = (props: Rec, key: string): Rec => (props[key] as Rec | undefined) ?? {};

export const pgNoPublicNetwork: ResourceRule = {
  kind: "resource",
  id: "sqlfleet-pg-no-public-network",
  title: "PostgreSQL server has public network access disabled",
  description: "PostgreSQL flexible servers must not accept connections from public networks.",
  level: "mandatory",
  severity: "high",
  types: [dbforpostgresql.Server],
  anchors: {
    mcsb: ["NS-2"],
    azurePolicy: ["5e1de0e3-42cb-4ebc-a86d-61d0c619ca48"],
    cis: ["CIS Azure 2.1 4.3.7", "CIS Azure 3.0 5.2.5"],
    checkov: ["CKV_AZURE_68"],
    pci: ["1.4.4"],
    pulumi: ["postgresql-private-endpoints"],
  },
  remediation: 'Set network.publicNetworkAccess: "Disabled" and use a private endpoint or a delegated subnet.',
  check({ props, report }) {
    const v = sub(props, "network").publicNetworkAccess;
    if (!eqi(v, "Disabled")) report.violation(`network.publicNetworkAccess is ${show(v)}; must be "Disabled"`);
  },
};

export const pgEntraAuth: ResourceRule = {
  kind: "resource",
  id: "sqlfleet-pg-entra-auth",
  title: "PostgreSQL server authenticates with Microsoft Entra ID",
  description: "PostgreSQL flexible servers must enable Microsoft Entra authentication for a tenant, and in production disable password authentication.",
  level: "mandatory",
  severity: "high",
  types: [dbforpostgresql.Server],
  anchors: { mcsb: ["IM-1"], azurePolicy: ["fa498b91-8a7e-4710-9578-da944c68d1fe (preview)", "ce39a96d-bf09-4b60-8c32-e85d52abea0f"], pci: ["1.2.1"] },
  remediation: 'Set authConfig: {activeDirectoryAuth: "Enabled", passwordAuth: "Disabled", tenantId}.',
  check({ props, production, report }) {
    const a = sub(props, "authConfig");
    if (!eqi(a.activeDirectoryAuth, "Enabled")) report.violation(`authConfig.activeDirectoryAuth is ${show(a.activeDirectoryAuth)}; must be "Enabled"`);
    if (isBlank(a.tenantId)) report.violation("authConfig.tenantId is unset");
    if (production && !eqi(a.passwordAuth, "Disabled")) report.violation(`authConfig.passwordAuth is ${show(a.passwordAuth)}${a.passwordAuth === undefined ? " (default Enabled)" : ""}; production servers must use "Disabled"`);
  },
};

export const pgCmk: ResourceRule = {
  kind: "resource",
  id: "sqlfleet-pg-cmk",
  title: "PostgreSQL server encrypts with a customer-managed key",
  description: "PostgreSQL flexible servers must use a customer-managed Key Vault key through a user-assigned identity, for geo backups too; it can only be chosen at creation.",
  level: "mandatory",
  severity: "critical",
  types: [dbforpostgresql.Server],
  anchors: {
    mcsb: ["DP-5"],
    azurePolicy: ["12c74c95-0efd-48da-b8d9-2a7d68470c92"],
    pulumi: ["postgresql-customer-managed-keys"],
    docs: ["postgresql/flexible-server/concepts-data-encryption.md"],
  },
  remediation:
    'At creation set identity: {type: "UserAssigned", userAssignedIdentities: {[uami.id]: {}}} and dataEncryption: {type: "AzureKeyVault", primaryKeyURI, primaryUserAssignedIdentityId} (plus geoBackupKeyURI/geoBackupUserAssignedIdentityId with geo backups).',
  check({ props, report }) {
    const d = sub(props, "dataEncryption");
    const identity = sub(props, "identity");
    if (!eqi(d.type, "AzureKeyVault")) report.violation(`dataEncryption.type is ${show(d.type)}; must be "AzureKeyVault"`);
    if (isBlank(d.primaryKeyURI)) report.violation("dataEncryption.primaryKeyURI is unset");
    if (isBlank(d.primaryUserAssignedIdentityId)) report.violation("dataEncryption.primaryUserAssignedIdentityId is unset");
    if (!eqi(identity.type, "UserAssigned")) report.violation(`identity.type is ${show(identity.type)}; must be "UserAssigned"`);
    if (eqi(sub(props, "backup").geoRedundantBackup, "Enabled") && (isBlank(d.geoBackupKeyURI) || isBlank(d.geoBackupUserAssignedIdentityId))) {
      report.violation("geo-redundant backups are on but dataEncryption.geoBackupKeyURI / geoBackupUserAssignedIdentityId are unset");
    }
  },
};

export const pgResilience: ResourceRule = {
  kind: "resource",
  id: "sqlfleet-pg-resilience",
  title: "Production PostgreSQL server is geo-backed-up and zone redundant",
  description: "In production, PostgreSQL flexible servers must keep geo-redundant backups, and should keep at least the configured backup days and zone-redundant high availability.",
  level: "mandatory",
  severity: "medium",
  productionOnly: true,
  advisoryParts: "retention days, zone-redundant HA",
  types: [dbforpostgresql.Server],
  anchors: {
    mcsb: ["BR-1"],
    azurePolicy: ["cee2f9fd-3968-44be-a863-bd62c9884423", "493c215d-2553-4976-bc81-57d2c04fc8c1 (preview)"],
    checkov: ["CKV_AZURE_136"],
  },
  remediation: 'At creation set backup: {geoRedundantBackup: "Enabled", backupRetentionDays: 35} and highAvailability: {mode: "ZoneRedundant"}.',
  config: {
    minBackupRetentionDays: { type: "integer", minimum: 7, maximum: 35, default: 14, description: "Minimum backupRetentionDays (SDK default 7)." },
  },
  check({ props, cfg, report }) {
    const b = sub(props, "backup");
    if (!eqi(b.geoRedundantBackup, "Enabled")) report.violation(`backup.geoRedundantBackup is ${show(b.geoRedundantBackup)}; must be "Enabled" (create-time only)`);
    const min = cfgNumber(cfg, "minBackupRetentionDays");
    if (typeof b.backupRetentionDays !== "number" || b.backupRetentionDays < min) {
      report.advisory(`backup.backupRetentionDays is ${show(b.backupRetentionDays)}${b.backupRetentionDays === undefined ? " (default 7)" : ""}; should be ≥ ${min}`);
    }
    const ha = sub(props, "highAvailability").mode;
    if (!eqi(ha, "ZoneRedundant")) report.advisory(`highAvailability.mode is ${show(ha)}; should be "ZoneRedundant"`);
  },
};

const name = (props: Rec): string => String(props.configurationName ?? "").toLowerCase();
const value = (props: Rec): string => String(props.value ?? "").trim().toLowerCase();
const TLS_PARAMS = ["require_secure_transport", "ssl_min_protocol_version"];
const LOGGING_ON = ["log_checkpoints", "log_connections", "log_disconnections", "connection_throttle.enable"];
const LOGGING_PARAMS = [...LOGGING_ON, "logfiles.retention_days", "pgaudit.log", "shared_preload_libraries"];

export const pgTlsParams: ResourceRule = {
  kind: "resource",
  id: "sqlfleet-pg-tls-params",
  title: "PostgreSQL server parameters keep TLS 1.2+ enforced",
  description: "PostgreSQL server parameters must not turn off require_secure_transport or allow TLS below 1.2.",
  level: "mandatory",
  severity: "high",
  types: [dbforpostgresql.Configuration],
  anchors: {
    mcsb: ["DP-3"],
    azurePolicy: ["c29c38cb-74a7-4505-9a06-e588ab86620a", "a43d5475-c569-45ce-a268-28fa79f4e87a"],
    cis: ["CIS Azure 3.0 5.2.1"],
    pulumi: ["postgresql-ssl-enforcement"],
  },
  remediation: 'Leave require_secure_transport "on" and set ssl_min_protocol_version to "TLSv1.2" or "TLSv1.3".',
  check({ props, report, notApplicable }) {
    const n = name(props);
    if (!TLS_PARAMS.includes(n)) notApplicable(`parameter ${n} is not a TLS parameter`);
    const v = value(props);
    if (n === "require_secure_transport" && v !== "on") report.violation(`require_secure_transport is ${show(props.value)}; must be "on"`);
    if (n === "ssl_min_protocol_version" && !["tlsv1.2", "tlsv1.3"].includes(v)) report.violation(`ssl_min_protocol_version is ${show(props.value)}; must be TLSv1.2 or TLSv1.3`);
  },
};

export const pgLoggingParams: ResourceRule = {
  kind: "resource",
  id: "sqlfleet-pg-logging-params",
  title: "PostgreSQL logging parameters stay on",
  description: "PostgreSQL logging parameters that are set must keep checkpoints, connections, disconnections and connection throttling on, keep log files long enough, and preload pgaudit when it is configured.",
  level: "advisory",
  severity: "low",
  types: [dbforpostgresql.Configuration],
  anchors: {
    mcsb: ["LT-3"],
    azurePolicy: ["70be9e12", "086709ac", "1d14b021", "4eb5e667-e871-4292-9c5d-8bbb94e0c908", "f5ed3f7a"],
    cis: ["CIS Azure 3.0 5.2.2", "CIS Azure 3.0 5.2.3", "CIS Azure 3.0 5.2.4", "CIS Azure 3.0 5.2.6", "CIS Azure 3.0 5.2.7"],
    checkov: ["CKV_AZURE_30", "CKV_AZURE_31", "CKV_AZURE_32", "CKV_AZURE_146"],
  },
  remediation: 'Set the parameter to "on" (logfiles.retention_days ≥ the configured days; shared_preload_libraries to include pgaudit).',
  config: {
    minLogRetentionDays: { type: "integer", minimum: 4, maximum: 7, default: 7, description: "Minimum logfiles.retention_days (CIS: more than 3)." },
    requirePgauditPreload: { type: "boolean", default: true, description: "shared_preload_libraries, when set, must include pgaudit." },
  },
  check({ props, cfg, report, notApplicable }) {
    const n = name(props);
    if (!LOGGING_PARAMS.includes(n)) notApplicable(`parameter ${n} is not a logging parameter`);
    const v = value(props);
    if (LOGGING_ON.includes(n) && v !== "on") report.violation(`${n} is ${show(props.value)}; must be "on"`);
    if (n === "logfiles.retention_days") {
      const min = cfgNumber(cfg, "minLogRetentionDays");
      if (!(Number(v) >= min)) report.violation(`logfiles.retention_days is ${show(props.value)}; must be ≥ ${min}`);
    }
    if (n === "shared_preload_libraries" && cfgBool(cfg, "requirePgauditPreload") && !v.split(",").map((s) => s.trim()).includes("pgaudit")) {
      report.violation(`shared_preload_libraries is ${show(props.value)}; must include pgaudit`);
    }
    if (n === "pgaudit.log" && (v === "" || v === "none")) report.violation(`pgaudit.log is ${show(props.value)}; must log at least role, ddl, misc`);
  },
};

export const pgFirewallNoOpenRange: ResourceRule = {
  kind: "resource",
  id: "sqlfleet-pg-firewall-no-open-range",
  title: "PostgreSQL firewall rules stay narrow",
  description: "PostgreSQL firewall rules must not open the server to the internet, to all of Azure, or to ranges wider than the configured prefix.",
  level: "mandatory",
  severity: "high",
  types: [dbforpostgresql.FirewallRule],
  anchors: { mcsb: ["NS-2"], cis: ["CIS Azure 2.1 4.3.7", "CIS Azure 3.0 5.2.5"], checkov: ["CKV2_AZURE_26", "CKV_AZURE_11"] },
  remediation: "Remove the rule (use a private endpoint) or narrow it to the configured prefix.",
  config: {
    maxPrefix: { type: "integer", minimum: 0, maximum: 32, default: 24, description: "Widest allowed range as an IPv4 prefix length." },
  },
  check({ props, cfg, report }) {
    const problem = firewallRangeProblem(props.startIpAddress, props.endIpAddress, cfgNumber(cfg, "maxPrefix"), false);
    if (problem) report.violation(problem);
  },
};

export const postgresRules: ResourceRule[] = [pgNoPublicNetwork, pgEntraAuth, pgCmk, pgResilience, pgTlsParams, pgLoggingParams, pgFirewallNoOpenRange];
