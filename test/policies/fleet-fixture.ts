// A small but complete production stack of real azure-native resources that satisfies every policy, plus
// variants that change, drop or add one thing at a time. Recorded with the offline engine, so the runner sees the same
// protobuf Struct, parents and dependencies the engine would get.
import * as authorization from "@pulumi/azure-native/authorization";
import * as dbforpostgresql from "@pulumi/azure-native/dbforpostgresql";
import * as eventgrid from "@pulumi/azure-native/eventgrid";
import * as keyvault from "@pulumi/azure-native/keyvault";
import * as managedidentity from "@pulumi/azure-native/managedidentity";
import * as monitor from "@pulumi/azure-native/monitor";
import * as network from "@pulumi/azure-native/network";
import * as operationalinsights from "@pulumi/azure-native/operationalinsights";
import * as sql from "@pulumi/azure-native/sql";
import * as pulumi from "@pulumi/pulumi";
import { recordProgram, type Recording } from "../../offline/recorder";
import { MOCK_SUBSCRIPTION, MOCK_TENANT } from "../../offline/azure-mocks";

type Args = Record<string, unknown>;

export interface Variant {
  /** Stack name (production is derived from its first segment). */
  stack?: string;
  preview?: boolean;
  /** role → arguments deep-merged over the compliant ones (`undefined` deletes a key). */
  set?: Record<string, Args>;
  /** Roles created without `protect` (as `deprovision: true` creates them). */
  unprotect?: string[];
  /** Roles not created at all. */
  omit?: string[];
  /** Extra resources, given the built ones by role. */
  extra?: (built: Map<string, pulumi.CustomResource>) => void;
}

const RG = "rg-sqlfleet-prod";
const SUBNET = `/subscriptions/${MOCK_SUBSCRIPTION}/resourceGroups/${RG}/providers/Microsoft.Network/virtualNetworks/vnet/subnets/data`;
const CRYPTO_USER = `/subscriptions/${MOCK_SUBSCRIPTION}/providers/Microsoft.Authorization/roleDefinitions/e147488a-f6f5-4113-8e2d-b22465e65bf6`;

function isPlainObject(v: unknown): v is Args {
  return typeof v === "object" && v !== null && !Array.isArray(v) && !pulumi.Output.isInstance(v) && Object.getPrototypeOf(v) === Object.prototype;
}

export function deepMerge(base: Args, over: Args): Args {
  const out: Args = { ...base };
  for (const [k, v] of Object.entries(over)) {
    if (v === undefined) delete out[k];
    else if (isPlainObject(v) && isPlainObject(out[k])) out[k] = deepMerge(out[k] as Args, v);
    else out[k] = v;
  }
  return out;
}

/** Builds the compliant fleet with a variant applied. */
export function fleetProgram(v: Variant = {}): () => void {
  return () => {
    const built = new Map<string, pulumi.CustomResource>();
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- each resource class has its own Args type
    const make = <T extends pulumi.CustomResource>(role: string, Cls: new (name: string, args: any, opts?: pulumi.CustomResourceOptions) => T, args: Args, opts?: pulumi.CustomResourceOptions): T | undefined => {
      if (v.omit?.includes(role)) return undefined;
      const o = v.unprotect?.includes(role) ? { ...opts, protect: false, retainOnDelete: false } : opts;
      const r = new Cls(role.replace(/\./g, "-"), deepMerge(args, v.set?.[role] ?? {}), o);
      built.set(role, r);
      return r;
    };
    const id = (role: string) => (built.get(role) as unknown as { id: pulumi.Output<string> } | undefined)?.id ?? pulumi.output("/missing");
    const law = make("law", operationalinsights.Workspace, { resourceGroupName: RG, workspaceName: "law-sqlfleet", sku: { name: "PerGB2018" }, retentionInDays: 90 });
    const lawId = law ? law.id : pulumi.output("/missing");
    const diag = (role: string, resourceUri: pulumi.Input<string>, logs: Args[]) =>
      make(role, monitor.DiagnosticSetting, { name: role, resourceUri, workspaceId: lawId, logAnalyticsDestinationType: "Dedicated", logs, metrics: [{ category: "AllMetrics", enabled: true }] });

    const vault = make("vault", keyvault.Vault, {
      resourceGroupName: RG,
      vaultName: "kv-sqlfleet-prod",
      properties: {
        tenantId: MOCK_TENANT,
        sku: { family: "A", name: "premium" },
        enableRbacAuthorization: true,
        enableSoftDelete: true,
        softDeleteRetentionInDays: 90,
        enablePurgeProtection: true,
        publicNetworkAccess: "Disabled",
        networkAcls: { bypass: "AzureServices", defaultAction: "Deny" },
      },
    }, { protect: true, retainOnDelete: true });
    const vaultName = vault ? vault.name : pulumi.output("kv-elsewhere");
    diag("vaultDiag", id("vault"), [{ categoryGroup: "audit", enabled: true }]);
    make("pe.vault", network.PrivateEndpoint, { resourceGroupName: RG, subnet: { id: SUBNET }, privateLinkServiceConnections: [{ name: "vault", privateLinkServiceId: id("vault"), groupIds: ["vault"] }] });
    const key = make("key", keyvault.Key, {
      resourceGroupName: RG,
      vaultName,
      keyName: "tde",
      properties: {
        kty: "RSA-HSM",
        keySize: 3072,
        keyOps: ["wrapKey", "unwrapKey"],
        rotationPolicy: {
          attributes: { expiryTime: "P1Y" },
          lifetimeActions: [
            { trigger: { timeBeforeExpiry: "P30D" }, action: { type: "rotate" } },
            { trigger: { timeBeforeExpiry: "P30D" }, action: { type: "notify" } },
          ],
        },
      },
    }, { protect: true, retainOnDelete: true });
    // Near-expiry and expiry events of the vault's keys and secrets, as Azure Monitor alerts to the action group.
    const actionGroup = make("actionGroup", monitor.ActionGroup, { resourceGroupName: RG, actionGroupName: "ag-sqlfleet-prod", groupShortName: "sqlf-prod", location: "global", enabled: true, emailReceivers: [{ name: "oncall", emailAddress: "oncall@example.org" }] });
    const topic = make("vault.topic", eventgrid.SystemTopic, { resourceGroupName: RG, location: "westeurope", source: id("vault"), topicType: "Microsoft.KeyVault.vaults" });
    const expirySubscription = (role: string, types: string[]) =>
      make(role, eventgrid.SystemTopicEventSubscription, {
        resourceGroupName: RG,
        systemTopicName: topic ? topic.name : "missing",
        eventDeliverySchema: "CloudEventSchemaV1_0",
        filter: { includedEventTypes: types },
        destination: { endpointType: "MonitorAlert", severity: "Sev2", description: "expiry", actionGroups: [actionGroup ? actionGroup.id : "/missing"] },
      });
    expirySubscription("vault.nearExpiry", ["Microsoft.KeyVault.KeyNearExpiry", "Microsoft.KeyVault.SecretNearExpiry"]);
    expirySubscription("vault.expired", ["Microsoft.KeyVault.KeyExpired", "Microsoft.KeyVault.SecretExpired"]);
    make("secret", keyvault.Secret, { resourceGroupName: RG, vaultName, secretName: "ops-contact", properties: { value: pulumi.secret("ops@example.org"), contentType: "text/plain", attributes: { expires: 1900000000 } } });

    const identityWithKeyRole = (prefix: string) => {
      const uami = make(`${prefix}.uami`, managedidentity.UserAssignedIdentity, { resourceGroupName: RG, resourceName: `id-${prefix}` });
      make(`${prefix}.keyRole`, authorization.RoleAssignment, { scope: key ? key.id : "/missing", principalId: uami ? uami.principalId : "none", principalType: "ServicePrincipal", roleDefinitionId: CRYPTO_USER });
      return uami;
    };

    const sqlServer = (prefix: string, location: string) => {
      const uami = identityWithKeyRole(prefix);
      const server = make(`${prefix}.server`, sql.Server, {
        resourceGroupName: RG,
        serverName: `sql-sqlfleet-${prefix}`,
        location,
        version: "12.0",
        minimalTlsVersion: "1.2",
        publicNetworkAccess: "Disabled",
        restrictOutboundNetworkAccess: "Enabled",
        administrators: { administratorType: "ActiveDirectory", login: "sqlfleet-dba", sid: "22222222-2222-2222-2222-222222222222", tenantId: MOCK_TENANT, principalType: "Group", azureADOnlyAuthentication: true },
        identity: { type: "UserAssigned", userAssignedIdentities: [uami ? uami.id : "/missing"] },
        primaryUserAssignedIdentityId: uami ? uami.id : "/missing",
        keyId: key ? key.keyUri : "https://kv-elsewhere.vault.azure.net/keys/tde",
      }, { protect: true, ignoreChanges: ["administrators"] });
      const serverName = server ? server.name : pulumi.output("missing");
      const child = { parent: server };
      const sk = make(`${prefix}.serverKey`, sql.ServerKey, { resourceGroupName: RG, serverName, serverKeyType: "AzureKeyVault", uri: key ? key.keyUriWithVersion : "https://kv/keys/tde/0123abcd" }, child);
      make(`${prefix}.protector`, sql.EncryptionProtector, { resourceGroupName: RG, serverName, encryptionProtectorName: "current", serverKeyType: "AzureKeyVault", serverKeyName: sk ? sk.name : "kv_tde_1", autoRotationEnabled: true }, child);
      const admin = make(`${prefix}.entraAdmin`, sql.ServerAzureADAdministrator, { resourceGroupName: RG, serverName, administratorName: "ActiveDirectory", administratorType: "ActiveDirectory", login: "sqlfleet-dba", sid: "22222222-2222-2222-2222-222222222222", tenantId: MOCK_TENANT }, child);
      make(`${prefix}.entraOnly`, sql.ServerAzureADOnlyAuthentication, { resourceGroupName: RG, serverName, authenticationName: "Default", azureADOnlyAuthentication: true }, { parent: server, dependsOn: admin ? [admin] : [] });
      make(`${prefix}.auditing`, sql.ExtendedServerBlobAuditingPolicy, { resourceGroupName: RG, serverName, blobAuditingPolicyName: "default", state: "Enabled", isAzureMonitorTargetEnabled: true, isDevopsAuditEnabled: true }, child);
      diag(`${prefix}.masterDiag`, pulumi.interpolate`${id(`${prefix}.server`)}/databases/master`, [{ category: "SQLSecurityAuditEvents", enabled: true }, { category: "DevOpsOperationsAudit", enabled: true }]);
      make(`${prefix}.alerts`, sql.ServerSecurityAlertPolicy, { resourceGroupName: RG, serverName, securityAlertPolicyName: "Default", state: "Enabled", emailAccountAdmins: true }, child);
      make(`${prefix}.va`, sql.SqlVulnerabilityAssessmentsSetting, { resourceGroupName: RG, serverName, vulnerabilityAssessmentName: "default", state: "Enabled" }, child);
      make(`${prefix}.firewall`, sql.FirewallRule, { resourceGroupName: RG, serverName, firewallRuleName: "ops", startIpAddress: "10.20.0.0", endIpAddress: "10.20.0.255" }, child);
      make(`pe.${prefix}`, network.PrivateEndpoint, { resourceGroupName: RG, subnet: { id: SUBNET }, privateLinkServiceConnections: [{ name: prefix, privateLinkServiceId: id(`${prefix}.server`), groupIds: ["sqlServer"] }] });
      return server;
    };
    const primary = sqlServer("primary", "westeurope");
    sqlServer("secondary", "northeurope");
    const primaryName = primary ? primary.name : pulumi.output("missing");

    const pool = make("pool", sql.ElasticPool, { resourceGroupName: RG, serverName: primaryName, elasticPoolName: "pool-fhir-1", sku: { name: "GP_Gen5", tier: "GeneralPurpose", family: "Gen5", capacity: 8 }, zoneRedundant: true }, { parent: primary });
    diag("poolDiag", id("pool"), []); // elastic pools have no log categories, only metrics
    const db = make("db", sql.Database, { resourceGroupName: RG, serverName: primaryName, databaseName: "fhir-contoso", elasticPoolId: pool ? pool.id : "/missing", requestedBackupStorageRedundancy: "GeoZone" }, { parent: primary, protect: true });
    const dbName = db ? db.name : pulumi.output("missing");
    diag("dbDiag", id("db"), [{ categoryGroup: "allLogs", enabled: true }]);
    // A customer with its own key (per-database CMK), as a customer stack may bring.
    const dbUami = identityWithKeyRole("dbCmk");
    make("dbCmk", sql.Database, {
      resourceGroupName: RG,
      serverName: primaryName,
      databaseName: "fhir-fabrikam",
      elasticPoolId: pool ? pool.id : "/missing",
      requestedBackupStorageRedundancy: "GeoZone",
      identity: { type: "UserAssigned", userAssignedIdentities: [dbUami ? dbUami.id : "/missing"] },
      encryptionProtector: key ? key.keyUri : "https://kv-elsewhere.vault.azure.net/keys/tde",
      encryptionProtectorAutoRotation: true,
    }, { parent: primary, protect: true });
    diag("dbCmkDiag", id("dbCmk"), [{ categoryGroup: "allLogs", enabled: true }]);
    make("tde", sql.TransparentDataEncryption, { resourceGroupName: RG, serverName: primaryName, databaseName: dbName, tdeName: "current", state: "Enabled" }, { parent: db });
    make("str", sql.BackupShortTermRetentionPolicy, { resourceGroupName: RG, serverName: primaryName, databaseName: dbName, policyName: "default", retentionDays: 35, diffBackupIntervalInHours: 12 }, { parent: db });
    make("ltr", sql.LongTermRetentionPolicy, { resourceGroupName: RG, serverName: primaryName, databaseName: dbName, policyName: "default", weeklyRetention: "P12W", monthlyRetention: "P12M", yearlyRetention: "P10Y", weekOfYear: 1 }, { parent: db });
    make("fog", sql.FailoverGroup, {
      resourceGroupName: RG,
      serverName: primaryName,
      failoverGroupName: "fog-sqlfleet-prod",
      partnerServers: [{ id: id("secondary.server") }],
      databases: [id("db"), id("dbCmk")],
      readWriteEndpoint: { failoverPolicy: "Automatic", failoverWithDataLossGracePeriodMinutes: 60 },
      readOnlyEndpoint: { failoverPolicy: "Disabled" },
    }, { parent: primary });

    const pgUami = identityWithKeyRole("pg");
    const pg = make("pg.server", dbforpostgresql.Server, {
      resourceGroupName: RG,
      serverName: "psql-edfi-prod",
      location: "westeurope",
      version: "17",
      sku: { name: "Standard_D4ds_v5", tier: "GeneralPurpose" },
      network: { publicNetworkAccess: "Disabled" },
      authConfig: { activeDirectoryAuth: "Enabled", passwordAuth: "Disabled", tenantId: MOCK_TENANT },
      identity: { type: "UserAssigned", userAssignedIdentities: pgUami ? pgUami.id.apply((u) => ({ [u]: {} })) : {} },
      dataEncryption: {
        type: "AzureKeyVault",
        primaryKeyURI: key ? key.keyUri : "https://kv-elsewhere.vault.azure.net/keys/tde",
        primaryUserAssignedIdentityId: pgUami ? pgUami.id : "/missing",
        geoBackupKeyURI: key ? key.keyUri : "https://kv-elsewhere.vault.azure.net/keys/tde",
        geoBackupUserAssignedIdentityId: pgUami ? pgUami.id : "/missing",
      },
      backup: { geoRedundantBackup: "Enabled", backupRetentionDays: 35 },
      highAvailability: { mode: "ZoneRedundant" },
    }, { protect: true });
    const pgName = pg ? pg.name : pulumi.output("missing");
    const pgChild = { parent: pg };
    make("pg.admin", dbforpostgresql.AdministratorsMicrosoftEntra, { resourceGroupName: RG, serverName: pgName, objectId: "33333333-3333-3333-3333-333333333333", principalName: "edfi-dba", principalType: "Group", tenantId: MOCK_TENANT }, pgChild);
    diag("pg.diag", id("pg.server"), [{ categoryGroup: "allLogs", enabled: true }]);
    make("pe.pg", network.PrivateEndpoint, { resourceGroupName: RG, subnet: { id: SUBNET }, privateLinkServiceConnections: [{ name: "pg", privateLinkServiceId: id("pg.server"), groupIds: ["postgresqlServer"] }] });
    make("pg.firewall", dbforpostgresql.FirewallRule, { resourceGroupName: RG, serverName: pgName, firewallRuleName: "ops", startIpAddress: "10.30.0.0", endIpAddress: "10.30.0.127" }, pgChild);
    // Server parameters are applied one after another (research/azure-sql.md §2.9).
    let prev: pulumi.Resource | undefined;
    for (const [role, configurationName, value] of [
      ["pg.tls", "require_secure_transport", "on"],
      ["pg.tlsMin", "ssl_min_protocol_version", "TLSv1.2"],
      ["pg.logCheckpoints", "log_checkpoints", "on"],
      ["pg.logRetention", "logfiles.retention_days", "7"],
      ["pg.preload", "shared_preload_libraries", "pg_stat_statements,pgaudit"],
    ] as const) {
      prev = make(role, dbforpostgresql.Configuration, { resourceGroupName: RG, serverName: pgName, configurationName, value, source: "user-override" }, { parent: pg, dependsOn: prev ? [prev] : [] }) ?? prev;
    }
    v.extra?.(built);
  };
}

/**
 * Lets the event loop run I/O. Recording under mocks is promise-only work; without a macrotask turn a file of such
 * tests starves the worker's RPC to vitest ("Timeout calling onTaskUpdate" on a loaded machine).
 */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

export async function recordFleet(v: Variant = {}): Promise<Recording> {
  await yieldToEventLoop();
  const { recording } = await recordProgram(fleetProgram(v), { stack: v.stack ?? "prod", preview: v.preview });
  await yieldToEventLoop();
  return recording;
}
