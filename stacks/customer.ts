// The customer stack program (`<env>-<customer>`): one workspace's FHIR and DICOM databases, placed in an
// environment pool or as Hyperscale databases as its config says, in a per-customer failover group when the
// environment has a secondary, with backups, diagnostics, optional per-database CMK, and the FHIR partition schema.
import { createHash } from "node:crypto";
import * as pulumi from "@pulumi/pulumi";
import { privateEndpoint } from "../components/private-endpoint";
import { CustomerManagedKey, FailoverGroup, SqlDatabase, type CmkRef, type DatabasePlacement, type ServerRef } from "../components";
import { ConfigError } from "./config/errors";
import { customerAgainstPoolsProblems, DATABASE_ROLES, type CustomerConfig, type DatabaseRole } from "./config/customer";
import type { EnvironmentOutputs } from "./environment-outputs";
import { REQUIRED_ENVIRONMENT_OUTPUTS } from "./environment-outputs";
import { fhirDatabaseSchema } from "./fhir-schema";
import { MIGRATED_AT_TAG } from "./plan/summary";

export interface CustomerOutputs {
  customer: string;
  databases: Record<string, pulumi.Output<string>>;
  readWriteEndpoint: pulumi.Input<string>;
  readOnlyEndpoint?: pulumi.Input<string>;
  failoverGroup?: string;
}

export function customerNames(env: string, prefix: string, customer: string) {
  const h = createHash("sha256").update(`${env}/${customer}`).digest("hex").slice(0, 8);
  return {
    database: (role: DatabaseRole) => `${customer}-${role}`,
    failoverGroup: `fog-${prefix}-${env}-${customer}`.slice(0, 63),
    vault: `kv${prefix}${h}`.slice(0, 24),
  };
}

/** The Pulumi organization; a DIY backend (and the mocks) call it "organization". */
function organization(): string {
  try {
    return pulumi.getOrganization();
  } catch {
    return "organization";
  }
}

/** Reads the environment stack's outputs as plain values (getOutputDetails: no unhandled rejection when missing). */
export async function readEnvironment(stack: string, envStack: string): Promise<EnvironmentOutputs> {
  const ref = new pulumi.StackReference(`${organization()}/${pulumi.getProject()}/${envStack}`);
  const out: Record<string, unknown> = {};
  const names = [...REQUIRED_ENVIRONMENT_OUTPUTS, "secondaryLocation", "secondaryServer", "postgres", "privateEndpointSubnetId", "vaultDnsZoneId"] as const;
  for (const name of names) {
    const d = await ref.getOutputDetails(name);
    const v = d.value ?? d.secretValue;
    if (v === undefined && (REQUIRED_ENVIRONMENT_OUTPUTS as readonly string[]).includes(name)) {
      throw new ConfigError(stack, [{ key: `stack reference ${envStack}.${name}`, value: undefined, allowed: `the environment stack ${envStack} must be deployed first and export ${name}` }]);
    }
    if (v !== undefined) out[name] = v;
  }
  return out as unknown as EnvironmentOutputs;
}

export function customerProgram(stack: string, envStack: string, cfg: CustomerConfig, env: EnvironmentOutputs): CustomerOutputs {
  const problems = customerAgainstPoolsProblems(cfg, env.pools);
  if (problems.length > 0) throw new ConfigError(stack, problems);
  const names = customerNames(envStack, env.namePrefix, cfg.customer);
  const tags = { environment: envStack, customer: cfg.customer, ...cfg.tags };
  const primary: ServerRef = env.primaryServer;
  const secondary: ServerRef | undefined = env.secondaryServer;
  const diagnostics = { workspaceId: env.logAnalyticsWorkspaceId };
  const alerts = { resourceGroupName: env.resourceGroupName };

  let databaseCmk: CmkRef | undefined;
  if (cfg.cmkScope === "database") {
    const key = new CustomerManagedKey(`${cfg.customer}-cmk`, {
      resourceGroupName: env.resourceGroupName,
      location: env.location,
      tenantId: env.tenantId,
      vaultName: names.vault,
      vaultSku: "premium",
      keyType: "RSA-HSM",
      keySize: 3072,
      diagnostics,
      deprovision: cfg.deprovision,
      tags,
    });
    if (env.privateEndpointSubnetId) {
      privateEndpoint(
        `${cfg.customer}-cmk-vault`,
        { resourceGroupName: env.resourceGroupName, location: env.location, targetId: key.vaultId, groupId: "vault", access: { subnetId: env.privateEndpointSubnetId, privateDnsZoneId: env.vaultDnsZoneId }, tags },
        { parent: key },
      );
    }
    databaseCmk = key;
  }

  const databases: Partial<Record<DatabaseRole, SqlDatabase>> = {};
  for (const role of DATABASE_ROLES) {
    const db = cfg[role];
    if (!db) continue;
    let placement: DatabasePlacement;
    if (db.placement.tier === "pool") {
      const poolName = db.placement.pool;
      const pool = env.pools.find((p) => p.name === poolName)!;
      placement = { kind: "pool", pool: { id: pool.id, name: pool.name, edition: pool.edition, vCores: pool.vCores }, maxSizeGb: db.placement.maxSizeGb };
    } else {
      placement = {
        kind: "hyperscale",
        vCores: db.placement.vCores,
        haReplicas: db.placement.haReplicas,
        ...(db.placement.serverlessMinVCores !== undefined ? { serverless: { minVCores: db.placement.serverlessMinVCores } } : {}),
      };
    }
    databases[role] = new SqlDatabase(`${cfg.customer}-${role}`, {
      server: primary,
      databaseName: names.database(role),
      placement,
      backupRedundancy: env.backupRedundancy,
      shortTermRetentionDays: env.shortTermRetentionDays,
      databaseCmk,
      collation: db.collation,
      diagnostics,
      alerts,
      deprovision: cfg.deprovision,
      // The migration date travels as a tag so a plan diff can apply the 45-day reverse-migration rule.
      tags: { ...tags, role, ...(db.placement.tier === "hyperscale" && db.placement.migratedAt ? { [MIGRATED_AT_TAG]: db.placement.migratedAt } : {}) },
    });
  }

  let failoverGroup: FailoverGroup | undefined;
  if (secondary) {
    failoverGroup = new FailoverGroup(`${cfg.customer}-fog`, {
      failoverGroupName: names.failoverGroup,
      primary,
      secondary,
      databases: Object.values(databases),
      secondaryPoolNames: env.pools.filter((p) => p.secondaryId).map((p) => p.name),
      primaryKey: env.cmk,
      gracePeriodMinutes: env.failoverGracePeriodMinutes,
      deprovision: cfg.deprovision,
      tags,
    });
  }

  // The FHIR partition schema, applied online through the DatabaseSchema dynamic resource, unless the stack
  // leaves it to the fleet rollout (schemaRollout: fleet).
  const fhir = databases.fhir;
  if (fhir && cfg.fhir?.schema !== false && cfg.schemaRollout === "pulumi") {
    fhirDatabaseSchema(`${cfg.customer}-fhir-schema`, { serverFqdn: env.primaryServer.fqdn, database: fhir, dependsOn: failoverGroup ? [failoverGroup] : [] });
  }

  const dbIds: Record<string, pulumi.Output<string>> = {};
  for (const [role, db] of Object.entries(databases)) dbIds[role] = db.id;
  return {
    customer: cfg.customer,
    databases: dbIds,
    readWriteEndpoint: failoverGroup ? failoverGroup.readWriteListener : env.primaryServer.fqdn,
    ...(failoverGroup ? { readOnlyEndpoint: failoverGroup.readOnlyListener, failoverGroup: failoverGroup.name } : {}),
  };
}
