// The customer stack program (`<env>-<customer>`): one Workspace component holding the FHIR and DICOM databases, placed in an
// environment pool or as Hyperscale databases as its config says, in a per-customer failover group when the
// environment has a secondary, with backups, diagnostics, optional per-database CMK, and the FHIR partition schema.
import { createHash } from "node:crypto";
import * as pulumi from "@pulumi/pulumi";
import { Workspace, type DatabasePlacement, type ServerRef, type SqlDatabase } from "../components";
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
  const names = [...REQUIRED_ENVIRONMENT_OUTPUTS, "secondaryLocation", "secondaryServer", "postgres", "privateEndpointSubnetId", "vaultDnsZoneId", "actionGroupId"] as const;
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

  const databases: Partial<Record<DatabaseRole, DatabasePlacement>> = {};
  const databaseSettings: Partial<Record<DatabaseRole, { collation: string; tags: Record<string, string> }>> = {};
  for (const role of DATABASE_ROLES) {
    const db = cfg[role];
    if (!db) continue;
    if (db.placement.tier === "pool") {
      const poolName = db.placement.pool;
      const pool = env.pools.find((p) => p.name === poolName)!;
      databases[role] = { kind: "pool", pool: { id: pool.id, name: pool.name, edition: pool.edition, vCores: pool.vCores }, maxSizeGb: db.placement.maxSizeGb };
    } else {
      databases[role] = {
        kind: "hyperscale",
        vCores: db.placement.vCores,
        haReplicas: db.placement.haReplicas,
        ...(db.placement.serverlessMinVCores !== undefined ? { serverless: { minVCores: db.placement.serverlessMinVCores } } : {}),
      };
    }
    // The migration date travels as a tag so a plan diff can apply the 45-day reverse-migration rule.
    databaseSettings[role] = {
      collation: db.collation,
      tags: { role, ...(db.placement.tier === "hyperscale" && db.placement.migratedAt ? { [MIGRATED_AT_TAG]: db.placement.migratedAt } : {}) },
    };
  }

  // One Workspace per customer: its key, databases, failover group and schema are one node in the tree. Its
  // children were registered at the stack root before; aliasFromStackRoot keeps their old URNs (no replacement).
  const workspace = new Workspace(cfg.customer, {
    customerId: cfg.customer,
    server: primary,
    databases,
    databaseSettings,
    ...(cfg.cmkScope === "database"
      ? {
          customerKey: {
            resourceGroupName: env.resourceGroupName,
            location: env.location,
            tenantId: env.tenantId,
            vaultName: names.vault,
            vaultSku: "premium",
            keyType: "RSA-HSM",
            keySize: 3072,
            diagnostics,
            // The customer's vault reports its key's near-expiry and expiry to the environment's action group.
            ...(env.actionGroupId ? { expiryAlerts: { actionGroupId: env.actionGroupId } } : {}),
            ...(env.privateEndpointSubnetId ? { privateAccess: { subnetId: env.privateEndpointSubnetId, privateDnsZoneId: env.vaultDnsZoneId } } : {}),
            tags,
          },
        }
      : {}),
    ...(secondary
      ? {
          failover: {
            secondary,
            secondaryPoolNames: env.pools.filter((p) => p.secondaryId).map((p) => p.name),
            groupName: names.failoverGroup,
            gracePeriodMinutes: env.failoverGracePeriodMinutes,
            primaryKey: env.cmk,
          },
        }
      : {}),
    backupRedundancy: env.backupRedundancy,
    shortTermRetentionDays: env.shortTermRetentionDays,
    diagnostics,
    alerts,
    deprovision: cfg.deprovision,
    tags,
    // The FHIR partition schema, applied online through the DatabaseSchema dynamic resource, unless the stack
    // leaves it to the fleet rollout (schemaRollout: fleet).
    ...(cfg.fhir && cfg.fhir.schema !== false && cfg.schemaRollout === "pulumi"
      ? { fhirSchema: (name: string, fhir: SqlDatabase, o: { parent: pulumi.Resource; dependsOn: pulumi.Resource[]; aliases?: pulumi.Alias[] }) => fhirDatabaseSchema(name, { serverFqdn: env.primaryServer.fqdn, database: fhir, ...o }) }
      : {}),
    aliasFromStackRoot: true,
  });
  const failoverGroup = workspace.failoverGroup;

  const dbIds: Record<string, pulumi.Output<string>> = {};
  for (const [role, db] of Object.entries(workspace.databases)) dbIds[role] = db.id;
  return {
    customer: cfg.customer,
    databases: dbIds,
    readWriteEndpoint: failoverGroup ? failoverGroup.readWriteListener : env.primaryServer.fqdn,
    ...(failoverGroup ? { readOnlyEndpoint: failoverGroup.readOnlyListener, failoverGroup: failoverGroup.name } : {}),
  };
}
