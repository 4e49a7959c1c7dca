// Azure SQL logical server rules: TLS, network exposure, Entra-only auth, firewall, TDE with CMK, auditing,
// Defender alerts, vulnerability assessment, outbound restriction. Inputs only (research/policies.md §5.1).
import * as sql from "@pulumi/azure-native/sql";
import { tokenOf, type ResourceRule } from "../rule";
import { cfgBool, cfgNumber, cfgStrings, eqi, firewallRangeProblem, isBlank, isVersionedKeyUri, show } from "../values";

type Props<T> = Partial<Record<keyof T, unknown>> & Record<string, unknown>;

export const sqlServerMinTls: ResourceRule = {
  kind: "resource",
  id: "sqlfleet-sql-server-min-tls",
  title: "SQL server requires TLS 1.2 or newer",
  description: "Azure SQL logical servers must refuse client connections below TLS 1.2.",
  level: "mandatory",
  severity: "high",
  types: [sql.Server],
  anchors: {
    mcsb: ["DP-3", "IM-4"],
    azurePolicy: ["32e6bbec-16b6-44c2-be37-c5b672d103cf"],
    checkov: ["CKV_AZURE_52"],
    pci: ["4.2.1"],
    pulumi: ["sql-server-encrypted-connections"],
  },
  remediation: 'Set `minimalTlsVersion: "1.2"` (or "1.3") on the sql.Server; the SqlServer component does this by default.',
  config: {
    allowedTlsVersions: { type: "array", items: { type: "string", enum: ["1.0", "1.1", "1.2", "1.3"] }, default: ["1.2", "1.3"], description: "Accepted minimalTlsVersion values." },
  },
  check({ props, cfg, report }) {
    const v = (props as Props<sql.ServerArgs>).minimalTlsVersion;
    const allowed = cfgStrings(cfg, "allowedTlsVersions");
    if (typeof v !== "string" || !allowed.includes(v)) {
      report.violation(`minimalTlsVersion is ${show(v)}; allowed: ${allowed.join(", ")} (unset lets clients use TLS 1.0)`);
    }
  },
};

export const sqlServerNoPublicNetwork: ResourceRule = {
  kind: "resource",
  id: "sqlfleet-sql-server-no-public-network",
  title: "SQL server has public network access disabled",
  description: "Azure SQL logical servers must not accept connections from public networks; clients come through private endpoints.",
  level: "mandatory",
  severity: "high",
  types: [sql.Server],
  anchors: {
    mcsb: ["NS-2"],
    azurePolicy: ["1b8ca024-1d5c-4dec-8995-b1a932b41780"],
    cis: ["CIS Azure 2.1 4.1.2", "CIS Azure 3.0 5.1.7"],
    checkov: ["CKV_AZURE_113"],
    pci: ["1.4.4"],
    pulumi: ["sql-server-disable-public-access"],
  },
  remediation: 'Set `publicNetworkAccess: "Disabled"` and reach the server through a private endpoint (groupIds ["sqlServer"]).',
  config: {
    breakGlassServers: { type: "array", items: { type: "string" }, default: [], description: "Server names (Azure serverName or Pulumi name) allowed public access temporarily." },
    allowSecuredByPerimeter: { type: "boolean", default: false, description: 'Accept "SecuredByPerimeter" (network security perimeter) as not public.' },
  },
  check({ props, name, cfg, report }) {
    const p = props as Props<sql.ServerArgs>;
    const exempt = cfgStrings(cfg, "breakGlassServers");
    if (exempt.includes(name) || (typeof p.serverName === "string" && exempt.includes(p.serverName))) return;
    const v = p.publicNetworkAccess;
    if (eqi(v, "Disabled")) return;
    if (eqi(v, "SecuredByPerimeter") && cfgBool(cfg, "allowSecuredByPerimeter")) return;
    report.violation(`publicNetworkAccess is ${show(v)}; must be "Disabled" (unset means Enabled)`);
  },
};

export const sqlServerEntraOnly: ResourceRule = {
  kind: "resource",
  id: "sqlfleet-sql-server-entra-only",
  title: "SQL server uses Microsoft Entra-only authentication",
  description: "Azure SQL logical servers must authenticate through Microsoft Entra ID only, administered by an Entra group.",
  level: "mandatory",
  severity: "high",
  types: [sql.Server, sql.ServerAzureADOnlyAuthentication, sql.ServerAzureADAdministrator],
  anchors: {
    mcsb: ["IM-1"],
    azurePolicy: ["abda6d70-9778-44e7-84a8-06713e6db027", "b3a22bc9-66de-45fb-98fa-00f5df42f41a", "1f314764-cb73-4fc9-b863-8eca98ac36e9"],
    cis: ["CIS Azure 3.0 5.1.4"],
    checkov: ["CKV2_AZURE_27"],
    pulumi: ["sql-server-azure-ad-authentication"],
  },
  remediation:
    'Create the server with `administrators: {administratorType: "ActiveDirectory", login, sid, tenantId, principalType: "Group", azureADOnlyAuthentication: true}` and keep later changes in ServerAzureADAdministrator / ServerAzureADOnlyAuthentication (azureADOnlyAuthentication: true).',
  advisoryParts: "admin principal not a group",
  check({ type, props, report }) {
    if (type === tokenOf(sql.ServerAzureADOnlyAuthentication)) {
      const v = (props as Props<sql.ServerAzureADOnlyAuthenticationArgs>).azureADOnlyAuthentication;
      if (v !== true) report.violation(`azureADOnlyAuthentication is ${show(v)}; must be true`);
      return;
    }
    if (type === tokenOf(sql.ServerAzureADAdministrator)) {
      const p = props as Props<sql.ServerAzureADAdministratorArgs>;
      if (isBlank(p.login) || isBlank(p.sid)) report.violation(`Entra administrator needs login and sid (login ${show(p.login)}, sid ${show(p.sid)})`);
      if (!isBlank(p.administratorType) && !eqi(p.administratorType, "ActiveDirectory")) report.violation(`administratorType is ${show(p.administratorType)}; must be "ActiveDirectory"`);
      return;
    }
    const p = props as Props<sql.ServerArgs>;
    const admins = p.administrators as Record<string, unknown> | undefined;
    if (!admins) return; // linked ServerAzureADAdministrator/OnlyAuthentication: sqlfleet-stack-identity-coverage
    if (!eqi(admins.administratorType, "ActiveDirectory")) report.violation(`administrators.administratorType is ${show(admins.administratorType)}; must be "ActiveDirectory"`);
    if (isBlank(admins.login) || isBlank(admins.sid)) report.violation(`administrators needs login and sid (login ${show(admins.login)}, sid ${show(admins.sid)})`);
    if (admins.azureADOnlyAuthentication !== true) report.violation(`administrators.azureADOnlyAuthentication is ${show(admins.azureADOnlyAuthentication)}; must be true`);
    if (!eqi(admins.principalType, "Group")) report.advisory(`administrators.principalType is ${show(admins.principalType)}; an Entra group is preferred over a single principal`);
  },
};

export const sqlFirewallNoOpenRange: ResourceRule = {
  kind: "resource",
  id: "sqlfleet-sql-firewall-no-open-range",
  title: "SQL firewall rules stay narrow",
  description: "Azure SQL firewall rules must not open the server to the internet, to all of Azure, or to ranges wider than the configured prefix.",
  level: "mandatory",
  severity: "high",
  types: [sql.FirewallRule],
  anchors: { mcsb: ["NS-2"], cis: ["CIS Azure 2.1 4.1.2", "CIS Azure 3.0 5.1.2"], checkov: ["CKV_AZURE_11", "CKV2_AZURE_34"] },
  remediation: "Remove the rule and use a private endpoint, or narrow startIpAddress/endIpAddress to a range no wider than the configured prefix.",
  config: {
    maxPrefix: { type: "integer", minimum: 0, maximum: 32, default: 24, description: "Widest allowed range as an IPv4 prefix length (24 → at most 256 addresses)." },
    allowAzureServices: { type: "boolean", default: false, description: 'Accept the 0.0.0.0–0.0.0.0 "Allow Azure services" rule.' },
  },
  check({ props, cfg, report }) {
    const p = props as Props<sql.FirewallRuleArgs>;
    const problem = firewallRangeProblem(p.startIpAddress, p.endIpAddress, cfgNumber(cfg, "maxPrefix"), cfgBool(cfg, "allowAzureServices"));
    if (problem) report.violation(problem);
  },
};

export const sqlTdeCmk: ResourceRule = {
  kind: "resource",
  id: "sqlfleet-sql-tde-cmk",
  title: "SQL TDE uses a customer-managed key with auto-rotation",
  description: "Azure SQL servers (and databases with their own key) must encrypt data at rest with a customer-managed Key Vault key through a user-assigned identity, with protector auto-rotation.",
  level: "mandatory",
  severity: "critical",
  types: [sql.Server, sql.ServerKey, sql.EncryptionProtector, sql.Database],
  anchors: {
    mcsb: ["DP-5"],
    azurePolicy: ["0a370ff3-6cab-4e85-8995-295fd854c5b8"],
    cis: ["CIS Azure 3.0 5.1.3"],
    pci: ["3.5.1.1", "3.6.1", "3.7.1"],
    pulumi: ["sql-database-customer-managed-keys"],
    docs: ["azure-sql/database/transparent-data-encryption-byok-overview.md"],
  },
  remediation:
    'Give the server `identity: {type: "UserAssigned", userAssignedIdentities: [uami.id]}`, `primaryUserAssignedIdentityId: uami.id` and the versionless `keyId`; add a ServerKey (serverKeyType "AzureKeyVault", versioned uri) and an EncryptionProtector (serverKeyType "AzureKeyVault", autoRotationEnabled: true).',
  check({ type, props, report, notApplicable }) {
    if (type === tokenOf(sql.Database)) {
      // A per-database CMK (encryptionProtector) must rotate with its key and be reached through a UAMI.
      const p = props as Props<sql.DatabaseArgs>;
      if (isBlank(p.encryptionProtector)) notApplicable("database uses its server's TDE protector");
      if (p.encryptionProtectorAutoRotation !== true) report.violation(`encryptionProtectorAutoRotation is ${show(p.encryptionProtectorAutoRotation)}; a per-database CMK must auto-rotate`);
      const identity = p.identity as { type?: unknown } | undefined;
      if (!eqi(identity?.type, "UserAssigned")) report.violation(`identity.type is ${show(identity?.type)}; a per-database CMK is reached through a user-assigned identity`);
      return;
    }
    if (type === tokenOf(sql.EncryptionProtector)) {
      const p = props as Props<sql.EncryptionProtectorArgs>;
      if (!eqi(p.serverKeyType, "AzureKeyVault")) report.violation(`EncryptionProtector serverKeyType is ${show(p.serverKeyType)}; must be "AzureKeyVault"`);
      if (p.autoRotationEnabled !== true) report.violation(`EncryptionProtector autoRotationEnabled is ${show(p.autoRotationEnabled)}; must be true`);
      return;
    }
    if (type === tokenOf(sql.ServerKey)) {
      const p = props as Props<sql.ServerKeyArgs>;
      if (!eqi(p.serverKeyType, "AzureKeyVault")) report.violation(`ServerKey serverKeyType is ${show(p.serverKeyType)}; must be "AzureKeyVault"`);
      else if (!isVersionedKeyUri(p.uri)) report.violation(`ServerKey uri ${show(p.uri)} must be a versioned Key Vault key URI (https://<vault>/keys/<name>/<version>)`);
      return;
    }
    const p = props as Props<sql.ServerArgs>;
    const identity = p.identity as { type?: unknown; userAssignedIdentities?: unknown } | undefined;
    if (isBlank(p.keyId)) report.violation("keyId is unset; the server must use a customer-managed TDE key");
    if (!identity || typeof identity.type !== "string" || !identity.type.includes("UserAssigned")) {
      report.violation(`identity.type is ${show(identity?.type)}; a user-assigned identity must reach the key`);
    } else if (!Array.isArray(identity.userAssignedIdentities) || identity.userAssignedIdentities.length === 0) {
      report.violation("identity.userAssignedIdentities is empty");
    }
    if (isBlank(p.primaryUserAssignedIdentityId)) report.violation("primaryUserAssignedIdentityId is unset; the key is reached through it");
  },
};

const DEFAULT_AUDIT_GROUPS = ["SUCCESSFUL_DATABASE_AUTHENTICATION_GROUP", "FAILED_DATABASE_AUTHENTICATION_GROUP", "BATCH_COMPLETED_GROUP"];

export const sqlServerAuditing: ResourceRule = {
  kind: "resource",
  id: "sqlfleet-sql-server-auditing",
  title: "SQL server auditing goes to Azure Monitor",
  description: "Server auditing policies must be enabled, send to Azure Monitor (Log Analytics), capture the authentication and batch groups, and keep storage copies at least the configured days.",
  level: "mandatory",
  severity: "high",
  types: [sql.ServerBlobAuditingPolicy, sql.ExtendedServerBlobAuditingPolicy],
  anchors: {
    mcsb: ["LT-3", "LT-6"],
    azurePolicy: ["a6fb4358-5bf4-4ad7-ba82-2cd2f41ce5e9", "7ff426e2-515f-405a-91c8-4f2333442eb5", "89099bee-89e0-4b26-a5f4-165451757743"],
    cis: ["CIS Azure 3.0 5.1.1", "CIS Azure 3.0 5.1.6"],
    checkov: ["CKV_AZURE_23", "CKV_AZURE_24"],
    pci: ["10.2.1.2", "10.2.2"],
    pulumi: ["sql-server-audit-logging"],
  },
  remediation:
    'Set `state: "Enabled"`, `isAzureMonitorTargetEnabled: true`, leave auditActionsAndGroups unset or include the three default groups, and add the `master` diagnostic setting to Log Analytics.',
  config: {
    minAuditRetentionDays: { type: "integer", minimum: 1, maximum: 3650, default: 90, description: "Minimum retentionDays when auditing also writes to storage (0 = unlimited passes)." },
  },
  check({ props, cfg, report }) {
    const p = props as Props<sql.ExtendedServerBlobAuditingPolicyArgs>;
    if (!eqi(p.state, "Enabled")) report.violation(`state is ${show(p.state)}; must be "Enabled"`);
    if (p.isAzureMonitorTargetEnabled !== true) report.violation(`isAzureMonitorTargetEnabled is ${show(p.isAzureMonitorTargetEnabled)}; audit logs must reach Log Analytics`);
    const groups = p.auditActionsAndGroups;
    if (groups !== undefined) {
      const have = Array.isArray(groups) ? groups.map((g) => String(g).toUpperCase()) : [];
      const missing = DEFAULT_AUDIT_GROUPS.filter((g) => !have.includes(g));
      if (missing.length) report.violation(`auditActionsAndGroups lacks ${missing.join(", ")}`);
    }
    if (!isBlank(p.storageEndpoint)) {
      const days = p.retentionDays;
      const min = cfgNumber(cfg, "minAuditRetentionDays");
      if (!(days === 0 || (typeof days === "number" && days >= min))) report.violation(`retentionDays is ${show(days)} with a storage target; must be 0 (unlimited) or ≥ ${min}`);
    }
  },
};

export const sqlServerDefender: ResourceRule = {
  kind: "resource",
  id: "sqlfleet-sql-server-defender",
  title: "Defender for SQL alerts are on",
  description: "Server security alert policies must be enabled with no alert type disabled, and should notify someone.",
  level: "mandatory",
  severity: "high",
  types: [sql.ServerSecurityAlertPolicy],
  anchors: {
    mcsb: ["LT-1", "LT-2", "IR-3", "IR-5"],
    azurePolicy: ["abfb4388-5bf4-4ad7-ba82-2cd2f41ceae9"],
    checkov: ["CKV_AZURE_25", "CKV_AZURE_26", "CKV_AZURE_27", "CKV2_AZURE_13"],
    pci: ["11.5.1"],
  },
  remediation: 'Set `state: "Enabled"`, leave disabledAlerts empty, and set emailAccountAdmins: true or emailAddresses.',
  advisoryParts: "no alert recipients",
  check({ props, report }) {
    const p = props as Props<sql.ServerSecurityAlertPolicyArgs>;
    if (!eqi(p.state, "Enabled")) report.violation(`state is ${show(p.state)}; must be "Enabled"`);
    const disabled = Array.isArray(p.disabledAlerts) ? p.disabledAlerts.filter((a) => !isBlank(a)) : [];
    if (disabled.length) report.violation(`disabledAlerts turns off ${disabled.join(", ")}; every alert type must stay on`);
    const emails = Array.isArray(p.emailAddresses) ? p.emailAddresses.filter((a) => !isBlank(a)) : [];
    if (p.emailAccountAdmins !== true && emails.length === 0) report.advisory("no alert recipients: set emailAccountAdmins: true or emailAddresses");
  },
};

export const sqlServerVulnerabilityAssessment: ResourceRule = {
  kind: "resource",
  id: "sqlfleet-sql-server-vulnerability-assessment",
  title: "SQL vulnerability assessment is on",
  description: "Vulnerability assessment must be enabled (express configuration recommended; classic needs recurring scans with recipients).",
  level: "advisory",
  severity: "medium",
  types: [sql.SqlVulnerabilityAssessmentsSetting, sql.ServerVulnerabilityAssessment],
  anchors: {
    mcsb: ["PV-5"],
    azurePolicy: ["ef2a8f2a-b3d9-49cd-a8a8-9a3aaaf647d9"],
    checkov: ["CKV2_AZURE_2", "CKV2_AZURE_3", "CKV2_AZURE_4", "CKV2_AZURE_5"],
    pci: ["6.3.1"],
    docs: ["defender-for-cloud/sql-azure-vulnerability-assessment-enable.md"],
  },
  remediation: 'Add sql.SqlVulnerabilityAssessmentsSetting with `state: "Enabled"` (express configuration).',
  check({ type, props, report }) {
    if (type === tokenOf(sql.SqlVulnerabilityAssessmentsSetting)) {
      const v = (props as Props<sql.SqlVulnerabilityAssessmentsSettingArgs>).state;
      if (!eqi(v, "Enabled")) report.violation(`state is ${show(v)}; must be "Enabled"`);
      return;
    }
    const scans = (props as Props<sql.ServerVulnerabilityAssessmentArgs>).recurringScans as Record<string, unknown> | undefined;
    if (scans?.isEnabled !== true) report.violation(`recurringScans.isEnabled is ${show(scans?.isEnabled)}; must be true`);
    const emails = Array.isArray(scans?.emails) ? (scans.emails as unknown[]).filter((e) => !isBlank(e)) : [];
    if (scans?.emailSubscriptionAdmins !== true && emails.length === 0) report.violation("recurring scan reports reach nobody: set emails or emailSubscriptionAdmins");
  },
};

export const sqlServerOutboundRestricted: ResourceRule = {
  kind: "resource",
  id: "sqlfleet-sql-server-outbound-restricted",
  title: "SQL server restricts outbound networking",
  description: "Azure SQL servers should restrict outbound network access to the FQDNs allowed by outbound firewall rules.",
  level: "advisory",
  severity: "medium",
  types: [sql.Server],
  anchors: { azurePolicy: ["eae5dab1"], pci: ["1.3.2"], pulumi: ["sql-server-restrict-outbound-access"] },
  remediation: 'Set `restrictOutboundNetworkAccess: "Enabled"` and add sql.OutboundFirewallRule for storage targets (auditing to Log Analytics needs none).',
  check({ props, report }) {
    const v = (props as Props<sql.ServerArgs>).restrictOutboundNetworkAccess;
    if (!eqi(v, "Enabled")) report.violation(`restrictOutboundNetworkAccess is ${show(v)}; should be "Enabled"`);
  },
};

export const sqlServerRules: ResourceRule[] = [
  sqlServerMinTls,
  sqlServerNoPublicNetwork,
  sqlServerEntraOnly,
  sqlFirewallNoOpenRange,
  sqlTdeCmk,
  sqlServerAuditing,
  sqlServerDefender,
  sqlServerVulnerabilityAssessment,
  sqlServerOutboundRestricted,
];
