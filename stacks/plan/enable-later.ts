// Finds, in a baseline→plan pair of one resource, the features seed 003 says get switched on after deployment —
// server CMK, per-database CMK, zone redundancy, a failover partner — and classifies each from placement/enable-later.
import { cmkDatabaseLater, cmkServerLater, failoverPartnerLater, zoneRedundancyLater, type LaterClassification } from "../../placement/enable-later";
import type { PoolEdition } from "../../placement/limits";
import type { PlanResource } from "./snapshot";

export interface LaterContext {
  /** Database id → failover group name, before and after. */
  fogsBefore: Map<string, string>;
  fogsAfter: Map<string, string>;
  /** The plan has a second SQL server or a failover group: key changes must reach the partner first. */
  geoReplicated: boolean;
  poolEditions: ReadonlyMap<string, PoolEdition>;
}

const str = (v: unknown) => (typeof v === "string" && v.length > 0 ? v : undefined);
const TIERS: readonly PoolEdition[] = ["GeneralPurpose", "BusinessCritical", "Hyperscale"];
const tierOf = (sku: unknown, fallback: PoolEdition): PoolEdition => {
  const t = (sku as { tier?: unknown } | undefined)?.tier;
  return TIERS.includes(t as PoolEdition) ? (t as PoolEdition) : fallback;
};

/** The plan-wide context: failover membership and whether servers replicate. */
export function laterContext(after: readonly PlanResource[], fogsBefore: Map<string, string>, fogsAfter: Map<string, string>, poolEditions: ReadonlyMap<string, PoolEdition>): LaterContext {
  const servers = after.filter((r) => r.type === "azure-native:sql:Server").length;
  const geoReplicated = servers > 1 || after.some((r) => r.type === "azure-native:sql:FailoverGroup");
  return { fogsBefore, fogsAfter, geoReplicated, poolEditions };
}

/** What was switched on (or off, where that matters) between `old` and `r`; empty for anything else. */
export function laterChanges(old: PlanResource, r: PlanResource, ctx: LaterContext): LaterClassification[] {
  const a = old.inputs;
  const b = r.inputs;
  const out: LaterClassification[] = [];
  switch (r.type) {
    case "azure-native:sql:Server":
      if (!str(a.keyId) && str(b.keyId)) out.push(cmkServerLater(str(b.serverName) ?? r.name, ctx.geoReplicated));
      break;
    case "azure-native:sql:EncryptionProtector":
      // A stack export of a server with service-managed TDE carries the protector with serverKeyType ServiceManaged.
      if (a.serverKeyType === "ServiceManaged" && b.serverKeyType === "AzureKeyVault") out.push(cmkServerLater(str(b.serverName) ?? r.name, ctx.geoReplicated));
      break;
    case "azure-native:sql:ElasticPool": {
      if (a.zoneRedundant !== true && b.zoneRedundant === true) {
        const name = str(b.elasticPoolName) ?? r.name;
        out.push(zoneRedundancyLater(`pool ${name}`, tierOf(b.sku, ctx.poolEditions.get(name) ?? "GeneralPurpose"), str(b.location)));
      }
      break;
    }
    case "azure-native:sql:Database": {
      const name = str(b.databaseName) ?? r.name;
      const id = old.id ?? r.id;
      const inFogAfter = id ? ctx.fogsAfter.get(id) : undefined;
      const inFogBefore = id ? ctx.fogsBefore.get(id) : undefined;
      const cmkBefore = !!str(a.encryptionProtector);
      const cmkAfter = !!str(b.encryptionProtector);
      if (cmkBefore !== cmkAfter) out.push(cmkDatabaseLater(name, cmkAfter, !!(inFogBefore ?? inFogAfter)));
      // Pooled databases take the pool's zone redundancy; only a single database that stays single carries the flag
      // (a migration out of a pool into Hyperscale sets it as part of that one-way change, placement/resize.ts).
      if (!a.elasticPoolId && !b.elasticPoolId && a.zoneRedundant !== true && b.zoneRedundant === true) out.push(zoneRedundancyLater(name, tierOf(b.sku, "GeneralPurpose"), str(b.location)));
      if (!inFogBefore && inFogAfter) out.push(failoverPartnerLater(name, inFogAfter, cmkAfter));
      break;
    }
  }
  return out;
}
