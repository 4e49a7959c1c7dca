// Resource options shared by the components: protection of data-bearing resources, retention of keys and vaults,
// and management locks — all lifted only by an explicit `deprovision: true`.
import * as authorization from "@pulumi/azure-native/authorization";
import * as pulumi from "@pulumi/pulumi";
import type { Lock, Tags } from "./types";

/** Options for a resource that holds customer data (server, database, failover group, PG server). */
export function dataOptions(parent: pulumi.Resource, deprovision: boolean | undefined, extra: pulumi.CustomResourceOptions = {}): pulumi.CustomResourceOptions {
  return { ...extra, parent, protect: !deprovision };
}

/** Options for key material and vaults: protected and retained on delete (a lost key makes databases inaccessible). */
export function keyMaterialOptions(parent: pulumi.Resource, deprovision: boolean | undefined, extra: pulumi.CustomResourceOptions = {}): pulumi.CustomResourceOptions {
  return { ...extra, parent, protect: !deprovision, retainOnDelete: !deprovision };
}

/** A management lock on `scope` unless the level is "None" or the owner is being deprovisioned. */
export function lockResource(
  name: string,
  scope: pulumi.Input<string>,
  level: Lock,
  deprovision: boolean | undefined,
  parent: pulumi.Resource,
  dependsOn: pulumi.Resource[] = [],
): authorization.ManagementLockByScope | undefined {
  if (level === "None" || deprovision) return undefined;
  return new authorization.ManagementLockByScope(
    name,
    { scope, level, notes: "sqlfleet: data-bearing resource; remove through deprovision: true" },
    { parent, dependsOn },
  );
}

/** Tags every sqlfleet resource carries, merged under the caller's. */
export function withTags(tags: Tags | undefined, extra: Tags = {}): Tags {
  return { "managed-by": "sqlfleet", ...extra, ...(tags ?? {}) };
}
