// The properties that matter in a plan, per resource kind: SKU, size, pool, CMK, zone redundancy, failover group,
// backup redundancy. Read from recorded inputs (or a stack export's), so a plan and its baseline compare alike.
import type { DatabaseState, DatabaseTier } from "../../placement/resize";
import type { PoolEdition } from "../../placement/limits";
import type { PlanResource } from "./snapshot";

export const MIGRATED_AT_TAG = "sqlfleet-hyperscale-migrated-at";
const GB = 1024 ** 3;

const lastSegment = (id: unknown) => (typeof id === "string" ? id.split("/").pop() : undefined);

export interface ResourceFacts {
  kind: "server" | "pool" | "database" | "failover-group" | "key" | "vault" | "postgres" | "schema" | "component" | "other";
  props: Record<string, string | number | boolean | undefined>;
}

/** Which database ids each failover group holds (by group name). */
export function failoverMembership(resources: readonly PlanResource[]): Map<string, string> {
  const m = new Map<string, string>();
  for (const r of resources) {
    if (r.type !== "azure-native:sql:FailoverGroup") continue;
    const group = String(r.inputs.failoverGroupName ?? r.name);
    for (const id of (r.inputs.databases as unknown[]) ?? []) if (typeof id === "string") m.set(id, group);
  }
  return m;
}

export function databaseState(r: PlanResource, fogs: Map<string, string>, poolEditions: ReadonlyMap<string, PoolEdition>): DatabaseState {
  const i = r.inputs;
  const sku = (i.sku ?? {}) as Record<string, unknown>;
  const pool = lastSegment(i.elasticPoolId);
  const tier: DatabaseTier = pool ? (poolEditions.get(pool) ?? "GeneralPurpose") : ((sku.tier as DatabaseTier | undefined) ?? "GeneralPurpose");
  const tags = (i.tags ?? {}) as Record<string, string>;
  return {
    name: String(i.databaseName ?? r.name),
    tier,
    ...(pool ? { pool, poolEdition: poolEditions.get(pool) ?? "GeneralPurpose" } : {}),
    ...(typeof sku.capacity === "number" ? { vCores: sku.capacity } : {}),
    ...(typeof i.maxSizeBytes === "number" ? { maxSizeGb: Math.round(i.maxSizeBytes / GB) } : {}),
    ...(typeof i.collation === "string" ? { collation: i.collation } : {}),
    ...(typeof i.catalogCollation === "string" ? { catalogCollation: i.catalogCollation } : {}),
    ...(typeof i.zoneRedundant === "boolean" ? { zoneRedundant: i.zoneRedundant } : {}),
    ...(typeof i.requestedBackupStorageRedundancy === "string" ? { backupRedundancy: i.requestedBackupStorageRedundancy } : {}),
    ...(typeof i.isLedgerOn === "boolean" ? { ledger: i.isLedgerOn } : {}),
    inFailoverGroup: r.id ? fogs.has(r.id) : false,
    ...(tags[MIGRATED_AT_TAG] ? { migratedToHyperscaleAt: tags[MIGRATED_AT_TAG] } : {}),
  };
}

export function resourceFacts(r: PlanResource, fogs: Map<string, string>): ResourceFacts {
  const i = r.inputs;
  const sku = (i.sku ?? {}) as Record<string, unknown>;
  switch (r.type) {
    case "azure-native:sql:Server":
      return {
        kind: "server",
        props: { name: str(i.serverName), location: str(i.location), tls: str(i.minimalTlsVersion), public: str(i.publicNetworkAccess), cmk: keyName(i.keyId) },
      };
    case "azure-native:sql:ElasticPool":
      return {
        kind: "pool",
        props: { name: str(i.elasticPoolName), sku: str(sku.name), vCores: num(sku.capacity), sizeGb: bytesToGb(i.maxSizeBytes), zoneRedundant: bool(i.zoneRedundant) },
      };
    case "azure-native:sql:Database": {
      const group = r.id ? fogs.get(r.id) : undefined;
      return {
        kind: "database",
        props: {
          name: str(i.databaseName),
          sku: str(sku.name) ?? (i.elasticPoolId ? "pooled" : undefined),
          sizeGb: bytesToGb(i.maxSizeBytes),
          pool: lastSegment(i.elasticPoolId),
          cmk: i.encryptionProtector ? keyName(i.encryptionProtector) : "server key",
          zoneRedundant: i.elasticPoolId ? "pool's" : bool(i.zoneRedundant),
          failoverGroup: group ?? "none",
          backup: str(i.requestedBackupStorageRedundancy),
          collation: str(i.collation),
        },
      };
    }
    case "azure-native:sql:FailoverGroup": {
      const rw = (i.readWriteEndpoint ?? {}) as Record<string, unknown>;
      const partners = (i.partnerServers as { id?: string }[] | undefined) ?? [];
      return {
        kind: "failover-group",
        props: {
          name: str(i.failoverGroupName),
          partner: lastSegment(partners[0]?.id),
          policy: str(rw.failoverPolicy),
          graceMinutes: num(rw.failoverWithDataLossGracePeriodMinutes),
          databases: Array.isArray(i.databases) ? i.databases.length : 0,
        },
      };
    }
    case "azure-native:keyvault:Key": {
      const p = (i.properties ?? {}) as Record<string, unknown>;
      return { kind: "key", props: { name: str(i.keyName), kty: str(p.kty), size: num(p.keySize) } };
    }
    case "azure-native:keyvault:Vault": {
      const p = (i.properties ?? {}) as Record<string, unknown>;
      return { kind: "vault", props: { name: str(i.vaultName), purgeProtection: bool(p.enablePurgeProtection), public: str(p.publicNetworkAccess) } };
    }
    case "azure-native:dbforpostgresql:Server": {
      const ha = (i.highAvailability ?? {}) as Record<string, unknown>;
      const backup = (i.backup ?? {}) as Record<string, unknown>;
      return { kind: "postgres", props: { name: str(i.serverName), sku: str(sku.name), ha: str(ha.mode), geoBackup: str(backup.geoRedundantBackup), cmk: i.dataEncryption ? "yes" : "no" } };
    }
    case "pulumi-nodejs:dynamic/sqlfleet:DatabaseSchema":
      return { kind: "schema", props: { name: str(i.databaseName), migrationSet: str(i.migrationSet), engine: str(i.engine), auth: str(i.authentication) } };
    default:
      return { kind: r.type.startsWith("sqlfleet:") ? "component" : "other", props: {} };
  }
}

const str = (v: unknown) => (typeof v === "string" ? v : undefined);
const num = (v: unknown) => (typeof v === "number" ? v : undefined);
const bool = (v: unknown) => (typeof v === "boolean" ? v : undefined);
const bytesToGb = (v: unknown) => (typeof v === "number" ? Math.round(v / GB) : undefined);
/** `https://kv.vault.azure.net/keys/tde` → `kv/tde` (readable, versionless or not). */
function keyName(v: unknown): string | undefined {
  if (typeof v !== "string") return undefined;
  const m = /^https:\/\/([^.]+)\.vault\.azure\.net\/keys\/([^/]+)(\/[^/]+)?$/.exec(v);
  return m ? `${m[1]}/${m[2]}${m[3] ? " (versioned)" : ""}` : v;
}
