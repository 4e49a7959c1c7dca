// One or more failing variants of the compliant fleet per policy. Each case states exactly which policies it must
// trip (the policy itself plus any that legitimately see the same fault) and at which level.
import * as keyvault from "@pulumi/azure-native/keyvault";
import * as network from "@pulumi/azure-native/network";
import * as operationalinsights from "@pulumi/azure-native/operationalinsights";
import * as sql from "@pulumi/azure-native/sql";
import * as storage from "@pulumi/azure-native/storage";
import * as pulumi from "@pulumi/pulumi";
import type { Variant } from "./fleet-fixture";

export interface FailingCase {
  policy: string;
  why: string;
  variant: Variant;
  level: "mandatory" | "advisory";
  /** Other policies the same fault also trips (policy id → level). */
  also?: Record<string, "mandatory" | "advisory">;
}

const RG = "rg-sqlfleet-prod";
const p = (id: string) => `sqlfleet-${id}`;

/** A workspace data export to a storage account whose lifecycle policy deletes blobs after `days`. */
export function exportToStorage(days: number): Variant["extra"] {
  return () => {
    const account = new storage.StorageAccount("logarchive", { resourceGroupName: RG, accountName: "stsqlfleetlogs", kind: "StorageV2", sku: { name: "Standard_GRS" } });
    new storage.ManagementPolicy("logarchive-lifecycle", {
      resourceGroupName: RG,
      accountName: account.name,
      managementPolicyName: "default",
      policy: { rules: [{ name: "expire", enabled: true, type: "Lifecycle", definition: { actions: { baseBlob: { delete: { daysAfterModificationGreaterThan: days } } }, filters: { blobTypes: ["appendBlob"] } } }] },
    });
    new operationalinsights.DataExport("law-export", { resourceGroupName: RG, workspaceName: "law-sqlfleet", dataExportName: "audit", tableNames: ["AzureDiagnostics"], resourceId: account.id, enable: true });
  };
}

export const FAILING: FailingCase[] = [
  // SQL server
  { policy: p("sql-server-min-tls"), why: "TLS 1.0", level: "mandatory", variant: { set: { "primary.server": { minimalTlsVersion: "1.0" } } } },
  { policy: p("sql-server-min-tls"), why: "TLS unset", level: "mandatory", variant: { set: { "secondary.server": { minimalTlsVersion: undefined } } } },
  { policy: p("sql-server-no-public-network"), why: "public network access on", level: "mandatory", variant: { set: { "primary.server": { publicNetworkAccess: "Enabled" } } } },
  { policy: p("sql-server-no-public-network"), why: "public network access unset", level: "mandatory", variant: { set: { "primary.server": { publicNetworkAccess: undefined } } } },
  { policy: p("sql-server-entra-only"), why: "inline admin without Entra-only", level: "mandatory", variant: { set: { "primary.server": { administrators: { azureADOnlyAuthentication: false } } } } },
  { policy: p("sql-server-entra-only"), why: "Entra-only child turned off", level: "mandatory", variant: { set: { "secondary.entraOnly": { azureADOnlyAuthentication: false } } } },
  { policy: p("sql-server-entra-only"), why: "admin is a single user (advisory part)", level: "advisory", variant: { set: { "primary.server": { administrators: { principalType: "User" } } } } },
  { policy: p("sql-firewall-no-open-range"), why: "0.0.0.0–255.255.255.255", level: "mandatory", variant: { set: { "primary.firewall": { startIpAddress: "0.0.0.0", endIpAddress: "255.255.255.255" } } } },
  { policy: p("sql-firewall-no-open-range"), why: "allow Azure services", level: "mandatory", variant: { set: { "primary.firewall": { startIpAddress: "0.0.0.0", endIpAddress: "0.0.0.0" } } } },
  { policy: p("sql-firewall-no-open-range"), why: "a /16", level: "mandatory", variant: { set: { "primary.firewall": { startIpAddress: "10.20.0.0", endIpAddress: "10.20.255.255" } } } },
  { policy: p("sql-tde-cmk"), why: "protector without auto-rotation", level: "mandatory", variant: { set: { "primary.protector": { autoRotationEnabled: false } } } },
  { policy: p("sql-tde-cmk"), why: "service-managed server key", level: "mandatory", variant: { set: { "primary.serverKey": { serverKeyType: "ServiceManaged", uri: undefined } } } },
  {
    policy: p("sql-tde-cmk"),
    why: "server without keyId",
    level: "mandatory",
    variant: { set: { "secondary.server": { keyId: undefined } } },
  },
  { policy: p("sql-tde-cmk"), why: "per-database CMK without auto-rotation", level: "mandatory", variant: { set: { dbCmk: { encryptionProtectorAutoRotation: false } } } },
  { policy: p("sql-server-auditing"), why: "not sent to Azure Monitor", level: "mandatory", variant: { set: { "primary.auditing": { isAzureMonitorTargetEnabled: false } } } },
  { policy: p("sql-server-auditing"), why: "auth groups missing", level: "mandatory", variant: { set: { "primary.auditing": { auditActionsAndGroups: ["BATCH_COMPLETED_GROUP"] } } } },
  { policy: p("sql-server-defender"), why: "an alert type disabled", level: "mandatory", variant: { set: { "primary.alerts": { disabledAlerts: ["Sql_Injection"] } } } },
  { policy: p("sql-server-defender"), why: "no recipients (advisory part)", level: "advisory", variant: { set: { "primary.alerts": { emailAccountAdmins: false } } } },
  {
    policy: p("sql-server-vulnerability-assessment"),
    why: "express VA disabled",
    level: "advisory",
    variant: { set: { "primary.va": { state: "Disabled" } } },
    also: { [p("stack-sql-server-defender-va")]: "advisory" },
  },
  { policy: p("sql-server-outbound-restricted"), why: "outbound unrestricted", level: "advisory", variant: { set: { "secondary.server": { restrictOutboundNetworkAccess: "Disabled" } } } },
  // SQL database, pool, failover group
  { policy: p("sql-db-tde-not-disabled"), why: "TDE disabled", level: "mandatory", variant: { set: { tde: { state: "Disabled" } } } },
  { policy: p("sql-db-backup-redundancy"), why: "local backups", level: "mandatory", variant: { set: { db: { requestedBackupStorageRedundancy: "Local" } } } },
  { policy: p("sql-db-backup-redundancy"), why: "redundancy unset", level: "mandatory", variant: { set: { db: { requestedBackupStorageRedundancy: undefined } } } },
  { policy: p("sql-db-short-term-retention"), why: "7 days (at the production floor, below the recommended 14)", level: "advisory", variant: { set: { str: { retentionDays: 7 } } } },
  { policy: p("sql-db-short-term-retention"), why: "1 day in production (below the floor of 7)", level: "mandatory", variant: { set: { str: { retentionDays: 1 } } } },
  { policy: p("sql-db-short-term-retention"), why: "differential interval 6 h", level: "advisory", variant: { set: { str: { diffBackupIntervalInHours: 6 } } } },
  { policy: p("sql-db-long-term-retention"), why: "all PT0S", level: "advisory", variant: { set: { ltr: { weeklyRetention: "PT0S", monthlyRetention: "PT0S", yearlyRetention: "PT0S" } } } },
  { policy: p("sql-db-long-term-retention"), why: "yearly below minimum", level: "advisory", variant: { set: { ltr: { yearlyRetention: "P1Y" } } } },
  { policy: p("sql-zone-redundancy"), why: "pool not zone redundant", level: "advisory", variant: { set: { pool: { zoneRedundant: false } } } },
  {
    policy: p("sql-zone-redundancy"),
    why: "Hyperscale database without HA replica",
    level: "advisory",
    variant: {
      extra: (b) => {
        const server = b.get("primary.server") as sql.Server;
        new sql.Database("hs", { resourceGroupName: RG, serverName: server.name, databaseName: "dicom-big", sku: { name: "HS_Gen5_8", tier: "Hyperscale" }, zoneRedundant: true, requestedBackupStorageRedundancy: "GeoZone" }, { parent: server });
      },
    },
    // The extra database has no diagnostics and no failover group either.
    also: { [p("stack-diagnostics-coverage")]: "mandatory", [p("stack-prod-db-in-failover-group")]: "mandatory" },
  },
  { policy: p("sql-failover-group-policy"), why: "manual failover", level: "advisory", variant: { set: { fog: { readWriteEndpoint: { failoverPolicy: "Manual", failoverWithDataLossGracePeriodMinutes: undefined } } } } },
  { policy: p("sql-failover-group-policy"), why: "grace 30 min", level: "advisory", variant: { set: { fog: { readWriteEndpoint: { failoverWithDataLossGracePeriodMinutes: 30 } } } } },
  // Key Vault
  {
    policy: p("kv-recoverable"),
    why: "no purge protection",
    level: "mandatory",
    variant: { set: { vault: { properties: { enablePurgeProtection: false } } } },
    also: { [p("stack-cmk-chain")]: "mandatory" },
  },
  // Key Vault expiry events
  { policy: p("kv-expiry-alerts"), why: "vault without a system topic", level: "mandatory", variant: { omit: ["vault.topic", "vault.nearExpiry", "vault.expired"] } },
  { policy: p("kv-expiry-alerts"), why: "system topic of the wrong type", level: "mandatory", variant: { set: { "vault.topic": { topicType: "Microsoft.Storage.StorageAccounts" } } } },
  { policy: p("kv-expiry-alerts"), why: "no subscription for the expired events", level: "mandatory", variant: { omit: ["vault.expired"] } },
  {
    policy: p("kv-expiry-alerts"),
    why: "secret near-expiry not subscribed",
    level: "mandatory",
    variant: { set: { "vault.nearExpiry": { filter: { includedEventTypes: ["Microsoft.KeyVault.KeyNearExpiry"] } } } },
  },
  { policy: p("kv-expiry-alerts"), why: "subscriptions without a destination", level: "mandatory", variant: { set: { "vault.nearExpiry": { destination: undefined }, "vault.expired": { destination: undefined } } } },
  {
    policy: p("kv-expiry-alerts"),
    why: "Monitor alerts without an action group (advisory part)",
    level: "advisory",
    variant: { set: { "vault.nearExpiry": { destination: { actionGroups: [] } } } },
  },
  { policy: p("kv-rbac"), why: "access policies", level: "mandatory", variant: { set: { vault: { properties: { enableRbacAuthorization: false } } } } },
  { policy: p("kv-network"), why: "public and allow-all", level: "mandatory", variant: { set: { vault: { properties: { publicNetworkAccess: "Enabled", networkAcls: { defaultAction: "Allow" } } } } } },
  {
    policy: p("kv-network"),
    why: "no trusted-services bypass",
    level: "mandatory",
    variant: { set: { vault: { properties: { networkAcls: { bypass: "None" } } } } },
    also: { [p("stack-cmk-chain")]: "mandatory" },
  },
  { policy: p("kv-key-strength"), why: "non-HSM 2048-bit key where 3072 is required", level: "mandatory", variant: { set: { key: { properties: { kty: "RSA", keySize: 2048 } } } } },
  { policy: p("kv-key-strength"), why: "EC key", level: "mandatory", variant: { set: { key: { properties: { kty: "EC-HSM", keySize: undefined, curveName: "P-256" } } } } },
  { policy: p("kv-key-rotation"), why: "no rotation policy", level: "mandatory", variant: { set: { key: { properties: { rotationPolicy: undefined } } } } },
  {
    policy: p("kv-key-rotation"),
    why: "rotates only after two years",
    level: "mandatory",
    variant: { set: { key: { properties: { rotationPolicy: { attributes: { expiryTime: "P3Y" }, lifetimeActions: [{ trigger: { timeAfterCreate: "P2Y" }, action: { type: "rotate" } }, { trigger: { timeBeforeExpiry: "P30D" }, action: { type: "notify" } }] } } } } },
  },
  { policy: p("kv-key-rotation"), why: "no notify action (advisory part)", level: "advisory", variant: { set: { key: { properties: { rotationPolicy: { lifetimeActions: [{ trigger: { timeBeforeExpiry: "P30D" }, action: { type: "rotate" } }] } } } } } },
  { policy: p("kv-secret-hygiene"), why: "no content type or expiry", level: "advisory", variant: { set: { secret: { properties: { contentType: undefined, attributes: undefined } } } } },
  // PostgreSQL
  { policy: p("pg-no-public-network"), why: "public access", level: "mandatory", variant: { set: { "pg.server": { network: { publicNetworkAccess: "Enabled" } } } } },
  { policy: p("pg-entra-auth"), why: "password auth in production", level: "mandatory", variant: { set: { "pg.server": { authConfig: { passwordAuth: "Enabled" } } } } },
  { policy: p("pg-entra-auth"), why: "Entra auth off", level: "mandatory", variant: { set: { "pg.server": { authConfig: { activeDirectoryAuth: "Disabled" } } } } },
  { policy: p("pg-cmk"), why: "service-managed key", level: "mandatory", variant: { set: { "pg.server": { dataEncryption: { type: "SystemAssigned", primaryKeyURI: undefined, primaryUserAssignedIdentityId: undefined } } } } },
  { policy: p("pg-cmk"), why: "geo backups without geo key", level: "mandatory", variant: { set: { "pg.server": { dataEncryption: { geoBackupKeyURI: undefined } } } } },
  { policy: p("pg-resilience"), why: "no geo backups in production", level: "mandatory", variant: { set: { "pg.server": { backup: { geoRedundantBackup: "Disabled" } } } } },
  { policy: p("pg-resilience"), why: "no zone-redundant HA (advisory part)", level: "advisory", variant: { set: { "pg.server": { highAvailability: { mode: "Disabled" } } } } },
  { policy: p("pg-tls-params"), why: "require_secure_transport off", level: "mandatory", variant: { set: { "pg.tls": { value: "off" } } } },
  { policy: p("pg-tls-params"), why: "TLS 1.1 allowed", level: "mandatory", variant: { set: { "pg.tlsMin": { value: "TLSv1.1" } } } },
  { policy: p("pg-logging-params"), why: "log_checkpoints off", level: "advisory", variant: { set: { "pg.logCheckpoints": { value: "off" } } } },
  { policy: p("pg-logging-params"), why: "pgaudit not preloaded", level: "advisory", variant: { set: { "pg.preload": { value: "pg_stat_statements" } } } },
  { policy: p("pg-firewall-no-open-range"), why: "allow Azure services", level: "mandatory", variant: { set: { "pg.firewall": { startIpAddress: "0.0.0.0", endIpAddress: "0.0.0.0" } } } },
  // Monitoring
  { policy: p("diag-setting-shape"), why: "no enabled logs", level: "mandatory", variant: { set: { dbDiag: { logs: [{ categoryGroup: "allLogs", enabled: false }] } } } },
  { policy: p("diag-setting-shape"), why: "pool setting without metrics", level: "mandatory", variant: { set: { poolDiag: { metrics: [{ category: "AllMetrics", enabled: false }] } } } },
  {
    policy: p("diag-setting-shape"),
    why: "legacy storage retention",
    level: "mandatory",
    variant: { set: { vaultDiag: { logs: [{ categoryGroup: "audit", enabled: true, retentionPolicy: { enabled: true, days: 30 } }] } } },
    // 30 days of vault audit logs in storage is also below the production audit retention.
    also: { [p("stack-audit-retention")]: "mandatory" },
  },
  { policy: p("diag-setting-shape"), why: "no workspace", level: "mandatory", variant: { set: { poolDiag: { workspaceId: undefined, storageAccountId: "/subscriptions/x/storageAccounts/logs" } } } },
  // Stack relations, one broken at a time
  { policy: p("stack-diagnostics-coverage"), why: "database without diagnostic setting", level: "mandatory", variant: { omit: ["dbDiag"] } },
  { policy: p("stack-diagnostics-coverage"), why: "vault without diagnostic setting", level: "mandatory", variant: { omit: ["vaultDiag"] } },
  { policy: p("stack-diagnostics-coverage"), why: "PostgreSQL server without diagnostic setting", level: "mandatory", variant: { omit: ["pg.diag"] } },
  { policy: p("stack-diagnostics-coverage"), why: "server auditing without master diagnostic setting", level: "mandatory", variant: { omit: ["secondary.masterDiag"] } },
  { policy: p("stack-sql-server-auditing"), why: "server without auditing", level: "mandatory", variant: { omit: ["primary.auditing"] } },
  {
    policy: p("stack-sql-server-auditing"),
    why: "two auditing policies on one server",
    level: "mandatory",
    variant: {
      extra: (b) => {
        const server = b.get("primary.server") as sql.Server;
        new sql.ServerBlobAuditingPolicy("dup-audit", { resourceGroupName: RG, serverName: server.name, state: "Enabled", isAzureMonitorTargetEnabled: true }, { parent: server });
      },
    },
  },
  { policy: p("stack-sql-server-defender-va"), why: "server without alert policy", level: "mandatory", variant: { omit: ["primary.alerts"] } },
  { policy: p("stack-sql-server-defender-va"), why: "server without vulnerability assessment (advisory part)", level: "advisory", variant: { omit: ["secondary.va"] } },
  { policy: p("stack-identity-coverage"), why: "server without any Entra admin", level: "mandatory", variant: { set: { "primary.server": { administrators: undefined } }, omit: ["primary.entraAdmin"] } },
  { policy: p("stack-identity-coverage"), why: "server without Entra-only", level: "mandatory", variant: { set: { "secondary.server": { administrators: undefined } }, omit: ["secondary.entraOnly"] } },
  { policy: p("stack-identity-coverage"), why: "PostgreSQL without Entra admin", level: "mandatory", variant: { omit: ["pg.admin"] } },
  { policy: p("stack-cmk-chain"), why: "identity without the key role", level: "mandatory", variant: { omit: ["primary.keyRole"] } },
  { policy: p("stack-cmk-chain"), why: "PostgreSQL identity without the key role", level: "mandatory", variant: { omit: ["pg.keyRole"] } },
  { policy: p("stack-cmk-chain"), why: "per-database CMK identity without the key role", level: "mandatory", variant: { omit: ["dbCmk.keyRole"] } },
  { policy: p("stack-cmk-chain"), why: "server without ServerKey", level: "mandatory", variant: { omit: ["secondary.serverKey"] } },
  { policy: p("stack-cmk-chain"), why: "server without EncryptionProtector", level: "mandatory", variant: { omit: ["primary.protector"] } },
  {
    policy: p("stack-cmk-chain"),
    why: "key not managed in the stack",
    level: "mandatory",
    variant: { set: { "secondary.server": { keyId: "https://kv-other.vault.azure.net/keys/tde" } } },
  },
  { policy: p("stack-audit-retention"), why: "workspace keeps logs 30 days (prod logRetentionDays: 30)", level: "mandatory", variant: { set: { law: { retentionInDays: 30 } } } },
  { policy: p("stack-audit-retention"), why: "workspace retention unset (Azure default 30)", level: "mandatory", variant: { set: { law: { retentionInDays: undefined } } } },
  {
    policy: p("stack-audit-retention"),
    why: "vault audit logs deleted from storage after 30 days",
    level: "mandatory",
    variant: { set: { vaultDiag: { logs: [{ categoryGroup: "audit", enabled: true, retentionPolicy: { enabled: true, days: 30 } }] } } },
    also: { [p("diag-setting-shape")]: "mandatory" },
  },
  { policy: p("stack-audit-retention"), why: "data export to storage deleted after 30 days", level: "mandatory", variant: { extra: exportToStorage(30) } },
  { policy: p("stack-prod-deprovision"), why: "deprovision: protect lifted on servers, database, vault and key", level: "mandatory", variant: { unprotect: ["primary.server", "secondary.server", "db", "vault", "key"] } },
  { policy: p("stack-prod-deprovision"), why: "protection lifted on the vault alone", level: "mandatory", variant: { unprotect: ["vault"] } },
  { policy: p("stack-prod-deprovision"), why: "protection lifted on the PostgreSQL server", level: "mandatory", variant: { unprotect: ["pg.server"] } },
  { policy: p("stack-prod-db-in-failover-group"), why: "production database outside any failover group", level: "mandatory", variant: { set: { fog: { databases: [] } } } },
  { policy: p("stack-prod-db-in-failover-group"), why: "partner in the same region", level: "mandatory", variant: { set: { "secondary.server": { location: "westeurope" } } } },
  { policy: p("stack-private-endpoints"), why: "server without private endpoint", level: "advisory", variant: { omit: ["pe.primary"] } },
  {
    policy: p("stack-private-endpoints"),
    why: "vault endpoint with the wrong group",
    level: "advisory",
    variant: {
      omit: ["pe.vault"],
      extra: (b) => {
        const vault = b.get("vault") as keyvault.Vault;
        new network.PrivateEndpoint("pe-wrong", { resourceGroupName: RG, subnet: { id: "/subnets/data" }, privateLinkServiceConnections: [{ name: "vault", privateLinkServiceId: vault.id, groupIds: ["blob"] }] });
      },
    },
  },
];

/** An input that stays unknown, as a not-yet-created resource's output is during `pulumi preview`. */
export function unknownInput<T>(): pulumi.Output<T> {
  return pulumi.output(pulumi.unknown) as unknown as pulumi.Output<T>;
}
