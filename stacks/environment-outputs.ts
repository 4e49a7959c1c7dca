// What an environment stack exports and a customer stack reads through its StackReference. Plain values only, so
// the customer program can validate and decide with them at construction time (getOutputDetails).
import type { PoolEdition } from "../placement/limits";

export interface ServerOutputs {
  id: string;
  name: string;
  resourceGroupName: string;
  location: string;
  fqdn: string;
}

export interface PoolOutputs {
  name: string;
  edition: PoolEdition;
  vCores: number;
  maxDataGb: number;
  maxDatabases: number;
  id: string;
  /** The same-name pool on the secondary server (failover groups need it). */
  secondaryId?: string;
}

export interface EnvironmentOutputs {
  environment: string;
  namePrefix: string;
  tenantId: string;
  resourceGroupName: string;
  location: string;
  secondaryLocation?: string;
  primaryServer: ServerOutputs;
  secondaryServer?: ServerOutputs;
  pools: PoolOutputs[];
  logAnalyticsWorkspaceId: string;
  cmk: { keyUri: string; keyUriWithVersion: string; identityId: string; vaultId: string };
  failoverGracePeriodMinutes: number;
  backupRedundancy: "GeoZone" | "Geo" | "Zone";
  shortTermRetentionDays: number;
  entraAdminGroup: { login: string; objectId: string };
  postgres?: { id: string; fqdn: string };
  /** Where customer stacks put private endpoints (per-customer key vaults). */
  privateEndpointSubnetId?: string;
  vaultDnsZoneId?: string;
  /** The environment's action group (alert e-mails): Key Vault expiry alerts of customer vaults notify it. */
  actionGroupId?: string;
  /** With postgres.passwordAuth: the versionless Key Vault URI of the PostgreSQL admin password (always current). */
  postgresAdminSecretUri?: string;
}

/** The output names a customer stack requires. */
export const REQUIRED_ENVIRONMENT_OUTPUTS: readonly (keyof EnvironmentOutputs)[] = [
  "environment",
  "namePrefix",
  "tenantId",
  "resourceGroupName",
  "location",
  "primaryServer",
  "pools",
  "logAnalyticsWorkspaceId",
  "cmk",
  "failoverGracePeriodMinutes",
  "backupRedundancy",
  "shortTermRetentionDays",
];
