// Shared argument shapes of the sqlfleet components (research/azure-sql.md §5.2).
// Components accept *references* (ServerRef, PoolRef, CmkRef, DatabaseRef) rather than component instances, so a
// customer stack can pass values read through a StackReference; the components themselves implement these refs.
import type * as pulumi from "@pulumi/pulumi";
import type { PoolEdition } from "../placement/limits";

export type { PoolEdition };

/** Management lock level. "None" creates no lock. */
export type Lock = "CanNotDelete" | "ReadOnly" | "None";

/** Resource tags (plain strings so they can be validated and merged). */
export type Tags = Record<string, string>;

/** Where diagnostic settings send logs and metrics. */
export interface Diagnostics {
  /** ARM id of the Log Analytics workspace. */
  workspaceId: pulumi.Input<string>;
  /** Log category groups; default ["allLogs"]. */
  logCategoryGroups?: string[];
  /** Send AllMetrics; default true. */
  metrics?: boolean;
}

/** Private endpoint placement (public network access stays disabled). */
export interface PrivateAccess {
  subnetId: pulumi.Input<string>;
  /** Private DNS zone (privatelink.database.windows.net / privatelink.postgres.database.azure.com) for the zone group. */
  privateDnsZoneId?: pulumi.Input<string>;
}

/** The Entra (Azure AD) administrator of a server: normally a group. */
export interface EntraAdmin {
  login: string;
  /** Object id (SID) of the principal. */
  objectId: string;
  principalType: "User" | "Group" | "Application";
  tenantId: string;
}

/** Options every data-bearing component takes. */
export interface ProtectionArgs {
  /**
   * Lift `protect` / `retainOnDelete` so the resources can really be deleted (workspace deprovisioning).
   * Default false: data-bearing resources are protected, keys and vaults are also retained on delete.
   */
  deprovision?: boolean;
}

/** Metric alert thresholds (percent) on the signals resizing and balancing act on. */
export interface AlertSettings {
  /** Storage used percent; default 80. */
  storagePercent?: number;
  /** Average CPU percent over the window; default 80. */
  cpuPercent?: number;
  /** Action group to notify. */
  actionGroupId?: pulumi.Input<string>;
  /** Alert rules live in this resource group. */
  resourceGroupName: pulumi.Input<string>;
}

/** A logical SQL server, as a component or as values read from another stack. */
export interface ServerRef {
  id: pulumi.Input<string>;
  /** The Azure server name. */
  name: pulumi.Input<string>;
  resourceGroupName: pulumi.Input<string>;
  /** Plain region (validated: failover partners, pools). */
  location: string;
  /** <server>.database.windows.net, when known (endpoints without a failover group). */
  fqdn?: pulumi.Input<string>;
}

/** An elastic pool, with the plain facts validation needs. */
export interface PoolRef {
  id: pulumi.Input<string>;
  /** The Azure pool name (same name on both failover partners). */
  name: string;
  edition: PoolEdition;
  vCores: number;
}

/** A customer-managed key usable as a TDE protector, and the identity that may use it. */
export interface CmkRef {
  /** Versionless key URI (auto-rotation follows the newest version). */
  keyUri: pulumi.Input<string>;
  /** Versioned key URI (server keys are registered by version). */
  keyUriWithVersion: pulumi.Input<string>;
  /** ARM id of the user-assigned identity holding Key Vault Crypto Service Encryption User on the key. */
  identityId: pulumi.Input<string>;
  /** Resources the key's access depends on (the role assignment); servers wait for them. */
  readyResources?: pulumi.Resource[];
}

/** A database, for failover group membership. */
export interface DatabaseRef {
  id: pulumi.Input<string>;
  /** The Azure database name. */
  databaseName: string;
  /** Set when the database lives in an elastic pool: the pool's name (must exist on the secondary too). */
  poolName?: string;
}
