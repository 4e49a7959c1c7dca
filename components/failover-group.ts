// FailoverGroup: geo-replication of a set of databases to the paired region with automatic failover.
// With CMK, the primary's key is registered on the secondary (sql.ServerKey) before the group exists.
import * as sql from "@pulumi/azure-native/sql";
import * as pulumi from "@pulumi/pulumi";
import { KNOWN_REGIONS, MIN_FAILOVER_GRACE_MINUTES, REGION_PAIRS } from "../placement/limits";
import { dataOptions, withTags } from "./options";
import { serverKeyName } from "./sql-server";
import type { CmkRef, DatabaseRef, PoolRef, ProtectionArgs, ServerRef, Tags } from "./types";
import { Validator } from "./validation";

export interface FailoverGroupArgs extends ProtectionArgs {
  /** Globally unique DNS label (<name>.database.windows.net); cannot be renamed. */
  failoverGroupName: string;
  primary: ServerRef;
  /** Must be in the primary's paired region (placement/limits REGION_PAIRS). */
  secondary: ServerRef;
  databases: DatabaseRef[];
  /** Pool names that exist on the secondary; every pooled database's pool must be among them. */
  secondaryPoolNames?: string[];
  /** The secondary's pools as refs (their names count as secondaryPoolNames; the group waits for pool resources). */
  secondaryPools?: PoolRef[];
  /** The primary's TDE key: registered on the secondary (sql.ServerKey) before the group exists. */
  primaryKey?: CmkRef;
  /** Default "Automatic". */
  policy?: "Automatic" | "Manual";
  /** Automatic only; ≥ 60 (placement/limits MIN_FAILOVER_GRACE_MINUTES); default 60. */
  gracePeriodMinutes?: number;
  /** Read-only listener failover; default false. */
  readOnlyFailover?: boolean;
  secondaryType?: "Geo" | "Standby";
  tags?: Tags;
}

/** Checks FailoverGroup args without creating anything (Workspace calls it before registering). */
export function validateFailoverGroupArgs(name: string, args: FailoverGroupArgs): { policy: "Automatic" | "Manual"; grace: number | undefined } {
  const v: Validator = new Validator("FailoverGroup", name);
  v.pattern("failoverGroupName", args.failoverGroupName, /^[a-z0-9][a-z0-9-]{0,61}[a-z0-9]$/, "1–63 lower-case letters, digits and hyphens (a DNS label)");
  const primaryRegion = args.primary?.location;
  const secondaryRegion = args.secondary?.location;
  v.check(KNOWN_REGIONS.includes(primaryRegion), "primary.location", primaryRegion, `a region with a known pair: ${KNOWN_REGIONS.join(", ")}`);
  v.check(secondaryRegion !== primaryRegion, "secondary.location", secondaryRegion, `a region other than the primary's (${primaryRegion}); its pair is ${REGION_PAIRS[primaryRegion]}`);
  v.check(REGION_PAIRS[primaryRegion] === secondaryRegion, "secondary.location", secondaryRegion, `${REGION_PAIRS[primaryRegion]} (the paired region of ${primaryRegion})`);
  const policy = args.policy ?? "Automatic";
  v.oneOf("policy", policy, ["Automatic", "Manual"]);
  let grace: number | undefined;
  if (policy === "Automatic") {
    grace = args.gracePeriodMinutes ?? MIN_FAILOVER_GRACE_MINUTES;
    if (!Number.isInteger(grace) || grace < MIN_FAILOVER_GRACE_MINUTES) {
      v.fail("gracePeriodMinutes", grace, `a whole number of minutes ≥ ${MIN_FAILOVER_GRACE_MINUTES} with the Automatic policy`);
    }
  } else {
    v.check(args.gracePeriodMinutes === undefined, "gracePeriodMinutes", args.gracePeriodMinutes, "not set with the Manual policy");
  }
  if (args.secondaryType !== undefined) v.oneOf("secondaryType", args.secondaryType, ["Geo", "Standby"]);
  const poolNames = new Set([...(args.secondaryPoolNames ?? []), ...(args.secondaryPools ?? []).map((p) => p.name)]);
  const seen = new Set<string>();
  for (const [i, db] of (args.databases ?? []).entries()) {
    v.check(!seen.has(db.databaseName), `databases[${i}].databaseName`, db.databaseName, "each database once");
    seen.add(db.databaseName);
    if (db.poolName !== undefined) {
      v.check(poolNames.has(db.poolName), `databases[${i}].poolName`, db.poolName, `a pool of the same name on the secondary server (secondary pools: ${[...poolNames].join(", ") || "none"})`);
    }
  }
  return { policy, grace };
}

export class FailoverGroup extends pulumi.ComponentResource {
  readonly group: sql.FailoverGroup;
  /** The primary's key registered on the secondary, when a key was given. */
  readonly secondaryServerKey?: sql.ServerKey;
  readonly id: pulumi.Output<string>;
  readonly name: string;
  /** <name>.database.windows.net */
  readonly readWriteListener: string;
  /** <name>.secondary.database.windows.net */
  readonly readOnlyListener: string;

  constructor(name: string, args: FailoverGroupArgs, opts?: pulumi.ComponentResourceOptions) {
    const { policy, grace } = validateFailoverGroupArgs(name, args);

    super("sqlfleet:sql:FailoverGroup", name, {}, opts);
    this.name = args.failoverGroupName;
    this.readWriteListener = `${args.failoverGroupName}.database.windows.net`;
    this.readOnlyListener = `${args.failoverGroupName}.secondary.database.windows.net`;

    const waitFor: pulumi.Resource[] = (args.secondaryPools ?? []).filter((p): p is PoolRef & pulumi.Resource => pulumi.Resource.isInstance(p));
    if (args.primaryKey) {
      // Both servers must know the primary's key before geo-replication starts (TDE BYOK with failover groups).
      this.secondaryServerKey = new sql.ServerKey(
        `${name}-secondary-key`,
        {
          resourceGroupName: args.secondary.resourceGroupName,
          serverName: args.secondary.name,
          serverKeyType: "AzureKeyVault",
          keyName: serverKeyName(args.primaryKey.keyUriWithVersion),
          uri: args.primaryKey.keyUriWithVersion,
        },
        { parent: this, dependsOn: args.primaryKey.readyResources ?? [] },
      );
      waitFor.push(this.secondaryServerKey);
    }

    this.group = new sql.FailoverGroup(
      `${name}-fog`,
      {
        resourceGroupName: args.primary.resourceGroupName,
        serverName: args.primary.name,
        failoverGroupName: args.failoverGroupName,
        partnerServers: [{ id: args.secondary.id }],
        databases: (args.databases ?? []).map((d) => d.id),
        readWriteEndpoint: { failoverPolicy: policy, failoverWithDataLossGracePeriodMinutes: grace },
        // targetServer takes the partner's resource id (bicep-types-az #2153).
        readOnlyEndpoint: { failoverPolicy: args.readOnlyFailover ? "Enabled" : "Disabled", targetServer: args.secondary.id },
        secondaryType: args.secondaryType,
        tags: withTags(args.tags),
      },
      dataOptions(this, args.deprovision, { dependsOn: waitFor }),
    );
    this.id = this.group.id;
    this.registerOutputs({ id: this.id, readWriteListener: this.readWriteListener, readOnlyListener: this.readOnlyListener });
  }
}
