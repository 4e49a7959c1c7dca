// The environment stack program (`dev`, `prod`): resource group, Log Analytics, network, Key Vault + CMK, the
// primary SQL server and (with a secondary region) its failover partner, same-name elastic pools on both, and the
// Ed-Fi PostgreSQL server where enabled. A pure function of a validated config; nothing happens at import time.
import * as resources from "@pulumi/azure-native/resources";
import * as pulumi from "@pulumi/pulumi";
import { CustomerManagedKey, ElasticPool, Monitoring, PostgresServer, SqlServer, type EntraAdmin } from "../components";
import { AuditExport } from "../components/audit-export";
import { auditWorkbook } from "../components/audit-workbook";
import { alertActionGroup } from "../components/alert-action-group";
import { privateEndpoint } from "../components/private-endpoint";
import { REGION_PAIRS } from "../placement/limits";
import { poolSpec } from "../placement/pools";
import type { EnvironmentConfig } from "./config/environment";
import type { EnvironmentOutputs, PoolOutputs, ServerOutputs } from "./environment-outputs";
import { privateZone, regionNetwork } from "./network";
import { edfiDmsSchemas } from "./edfi-schema";
import { postgresServerParameters } from "./postgres-parameters";
import { postgresAdminCredential } from "./postgres-credential";

type Outputs = { [K in keyof EnvironmentOutputs]: pulumi.Input<EnvironmentOutputs[K]> };

/** Azure names derived from the environment: globally unique ones carry the name prefix. */
export function environmentNames(env: string, cfg: Pick<EnvironmentConfig, "namePrefix" | "region" | "secondaryRegion">) {
  return {
    resourceGroup: `rg-${cfg.namePrefix}-${env}`,
    workspace: `log-${cfg.namePrefix}-${env}`,
    vault: `kv-${cfg.namePrefix}-${env}`.slice(0, 24),
    geoVault: `kv-${cfg.namePrefix}-${env}-geo`.slice(0, 24),
    actionGroup: `ag-${cfg.namePrefix}-${env}`,
    primaryServer: `sql-${cfg.namePrefix}-${env}-${cfg.region}`,
    secondaryServer: cfg.secondaryRegion ? `sql-${cfg.namePrefix}-${env}-${cfg.secondaryRegion}` : undefined,
    postgres: `psql-${cfg.namePrefix}-${env}-edfi`,
    auditStorage: `st${cfg.namePrefix}${env}audit`.replace(/[^a-z0-9]/g, "").slice(0, 24),
  };
}

export function environmentProgram(env: string, cfg: EnvironmentConfig): Outputs {
  const names = environmentNames(env, cfg);
  const tags = { environment: env, ...cfg.tags };
  const protect = !cfg.deprovision;
  const entraAdmin: EntraAdmin = { login: cfg.entraAdminGroup.login, objectId: cfg.entraAdminGroup.objectId, principalType: "Group", tenantId: cfg.tenantId };
  // Pool specs first: a bad size fails here, before any resource is registered.
  const specs = cfg.pools.map((p) => poolSpec(p.name, p.edition, p.vCores, p.maxDataGb));

  const rg = new resources.ResourceGroup("rg", { resourceGroupName: names.resourceGroup, location: cfg.region, tags }, { protect });
  const monitoring = new Monitoring("monitoring", { resourceGroupName: rg.name, location: cfg.region, workspaceName: names.workspace, retentionInDays: cfg.logRetentionDays, tags });
  const diagnostics = monitoring.diagnostics;
  // Browse (workbook) and download (continuous JSON-lines export to storage) the audit log: seed 003.
  auditWorkbook("audit-workbook", { resourceGroupName: rg.name, location: cfg.region, workspaceId: monitoring.workspaceId, environment: env, tags }, { parent: monitoring });
  new AuditExport("audit-export", { resourceGroupName: rg.name, location: cfg.region, accountName: names.auditStorage, workspaceName: monitoring.workspaceName, workspaceRetentionDays: cfg.logRetentionDays, deprovision: cfg.deprovision, tags }, { parent: monitoring });
  // Alert e-mails from config; every vault's key and secret expiry events notify it (KeyVaultExpiryAlerts).
  const actionGroup = alertActionGroup("alerts", { resourceGroupName: rg.name, actionGroupName: names.actionGroup, shortName: `sqlf-${env}`.slice(0, 12), emails: cfg.alertEmails, tags });
  const expiryAlerts = { actionGroupId: actionGroup.id };

  const primaryNet = regionNetwork("primary", {
    resourceGroupName: rg.name,
    location: cfg.region,
    vnetCidr: cfg.network.vnetCidr,
    privateEndpointSubnetCidr: cfg.network.privateEndpointSubnetCidr,
    postgresSubnetCidr: cfg.postgres?.enabled ? cfg.network.postgresSubnetCidr : undefined,
    tags,
  });
  const secondaryNet =
    cfg.secondaryRegion && cfg.network.secondaryVnetCidr
      ? regionNetwork("secondary", {
          resourceGroupName: rg.name,
          location: cfg.secondaryRegion,
          vnetCidr: cfg.network.secondaryVnetCidr,
          privateEndpointSubnetCidr: cfg.network.secondaryPrivateEndpointSubnetCidr ?? cfg.network.secondaryVnetCidr,
          tags,
        })
      : undefined;
  const vnetIds = [primaryNet.vnetId, ...(secondaryNet ? [secondaryNet.vnetId] : [])];
  const sqlZoneId = privateZone("dns-sql", "privatelink.database.windows.net", { resourceGroupName: rg.name, vnetIds, tags });
  const vaultZoneId = privateZone("dns-vault", "privatelink.vaultcore.azure.net", { resourceGroupName: rg.name, vnetIds, tags });

  const cmk = new CustomerManagedKey("cmk", {
    resourceGroupName: rg.name,
    location: cfg.region,
    tenantId: cfg.tenantId,
    vaultName: names.vault,
    vaultSku: cfg.cmk.keyType === "RSA-HSM" ? "premium" : "standard",
    keyType: cfg.cmk.keyType,
    keySize: cfg.cmk.keySize,
    diagnostics,
    expiryAlerts,
    deprovision: cfg.deprovision,
    tags,
  });

  // Key Vault reachable only through a private endpoint (public access is off on the vault).
  privateEndpoint("cmk-vault", { resourceGroupName: rg.name, location: cfg.region, targetId: cmk.vaultId, groupId: "vault", access: { subnetId: primaryNet.privateEndpointSubnetId, privateDnsZoneId: vaultZoneId }, tags }, { parent: cmk });

  const server = (role: string, serverName: string, location: string, subnetId: pulumi.Output<string>) =>
    new SqlServer(role, {
      resourceGroupName: rg.name,
      location,
      serverName,
      entraAdmin,
      cmk,
      privateAccess: { subnetId, privateDnsZoneId: sqlZoneId },
      publicNetworkAccess: cfg.publicNetworkAccess,
      diagnostics,
      alertEmails: cfg.alertEmails,
      deprovision: cfg.deprovision,
      tags,
    });
  const primary = server("sql-primary", names.primaryServer, cfg.region, primaryNet.privateEndpointSubnetId);
  const secondary =
    cfg.secondaryRegion && names.secondaryServer && secondaryNet
      ? server("sql-secondary", names.secondaryServer, cfg.secondaryRegion, secondaryNet.privateEndpointSubnetId)
      : undefined;

  // Same-name pools on both servers: a pooled database can join a failover group only then.
  const alerts = { resourceGroupName: rg.name };
  const pools = cfg.pools.map((p, i) => {
    const args = { poolName: p.name, edition: p.edition, vCores: p.vCores, maxSizeGb: specs[i].maxDataGb, zoneRedundant: p.zoneRedundant, diagnostics, alerts, tags };
    const onPrimary = new ElasticPool(`pool-${p.name}`, { server: primary, ...args }, { parent: primary });
    const onSecondary = secondary ? new ElasticPool(`pool-${p.name}-secondary`, { server: secondary, ...args }, { parent: secondary }) : undefined;
    return { spec: specs[i], onPrimary, onSecondary };
  });

  let postgres: PostgresServer | undefined;
  let postgresAdminSecretUri: pulumi.Output<string> | undefined;
  if (cfg.postgres?.enabled) {
    const pgZoneId = privateZone("dns-pg", "privatelink.postgres.database.azure.com", { resourceGroupName: rg.name, vnetIds: [primaryNet.vnetId], tags });
    // Geo-redundant backups of a CMK server are encrypted with a key of their own in the paired region.
    const geoRegion = cfg.secondaryRegion ?? REGION_PAIRS[cfg.region];
    const geoKey = new CustomerManagedKey("cmk-geo", {
      resourceGroupName: rg.name,
      location: geoRegion,
      tenantId: cfg.tenantId,
      vaultName: names.geoVault,
      vaultSku: cfg.cmk.keyType === "RSA-HSM" ? "premium" : "standard",
      keyType: cfg.cmk.keyType,
      keySize: cfg.cmk.keySize,
      diagnostics,
      expiryAlerts,
      deprovision: cfg.deprovision,
      tags,
    });
    privateEndpoint("cmk-geo-vault", { resourceGroupName: rg.name, location: cfg.region, targetId: geoKey.vaultId, groupId: "vault", access: { subnetId: primaryNet.privateEndpointSubnetId, privateDnsZoneId: vaultZoneId }, tags }, { parent: geoKey });
    const pgAdmin = cfg.postgres.passwordAuth ? postgresAdminCredential({ name: cmk.vaultName, resourceGroupName: rg.name }, cfg.credentialRotationDays) : undefined;
    postgresAdminSecretUri = pgAdmin?.credential.secretUri;
    postgres = new PostgresServer("edfi-postgres", {
      resourceGroupName: rg.name,
      location: cfg.region,
      serverName: names.postgres,
      version: cfg.postgres.version,
      skuName: cfg.postgres.skuName,
      tier: cfg.postgres.tier,
      storageGb: cfg.postgres.storageGb,
      entraAdmin,
      ...(pgAdmin ? { passwordAuth: true, passwordAdmin: { login: pgAdmin.login, password: pgAdmin.credential.password } } : {}),
      cmk: { primary: cmk, geoBackup: geoKey },
      network: primaryNet.postgresSubnetId
        ? { delegatedSubnetId: primaryNet.postgresSubnetId, privateDnsZoneId: pgZoneId }
        : { privateAccess: { subnetId: primaryNet.privateEndpointSubnetId, privateDnsZoneId: pgZoneId } },
      parameters: postgresServerParameters(cfg.postgres.edfiTuning),
      databases: ["edfi_dms"],
      diagnostics,
      deprovision: cfg.deprovision,
      tags,
    });
    // The DMS write path adopted as its scripts built it, then its tuning, online like the FHIR schema (data is kept).
    edfiDmsSchemas(postgres);
  }

  const serverOut = (s: SqlServer): pulumi.Output<ServerOutputs> =>
    pulumi.all([s.id, s.name, s.resourceGroupName, s.fqdn]).apply(([id, name, resourceGroupName, fqdn]) => ({ id, name, resourceGroupName, location: s.location, fqdn }));
  const poolOut: pulumi.Output<PoolOutputs[]> = pulumi.all(
    pools.map(({ spec, onPrimary, onSecondary }) =>
      pulumi.all([onPrimary.id, onSecondary?.id]).apply(([id, secondaryId]) => ({ ...spec, id, ...(secondaryId ? { secondaryId } : {}) })),
    ),
  );
  return {
    environment: env,
    namePrefix: cfg.namePrefix,
    tenantId: cfg.tenantId,
    resourceGroupName: rg.name,
    location: cfg.region,
    ...(cfg.secondaryRegion ? { secondaryLocation: cfg.secondaryRegion } : {}),
    primaryServer: serverOut(primary),
    ...(secondary ? { secondaryServer: serverOut(secondary) } : {}),
    pools: poolOut,
    logAnalyticsWorkspaceId: monitoring.workspaceId,
    cmk: pulumi.all([cmk.keyUri, cmk.keyUriWithVersion, cmk.identityId, cmk.vaultId]).apply(([keyUri, keyUriWithVersion, identityId, vaultId]) => ({ keyUri, keyUriWithVersion, identityId, vaultId })),
    failoverGracePeriodMinutes: cfg.failoverGracePeriodMinutes,
    backupRedundancy: cfg.backupRedundancy,
    shortTermRetentionDays: cfg.shortTermRetentionDays,
    entraAdminGroup: cfg.entraAdminGroup,
    privateEndpointSubnetId: primaryNet.privateEndpointSubnetId,
    vaultDnsZoneId: vaultZoneId,
    actionGroupId: actionGroup.id,
    ...(postgres ? { postgres: pulumi.all([postgres.id, postgres.fqdn]).apply(([id, fqdn]) => ({ id, fqdn })) } : {}),
    ...(postgresAdminSecretUri ? { postgresAdminSecretUri } : {}),
  };
}
