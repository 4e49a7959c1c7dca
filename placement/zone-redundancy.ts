// Where zone redundancy exists, per region and service tier, and what switching it on later does. Pure data, no
// Pulumi; every fact names its source. Components and config validation refuse a zone-redundant pool or database in a
// region without availability zones; the plan diff uses the "later" rows to classify enabling it after deployment.
import type { PoolEdition } from "./limits";

/**
 * Regions of placement/limits REGION_PAIRS that have availability zones.
 * Source: MicrosoftDocs/reliability-docs articles/reliability/regions-list.md (ms.date 2025-09-23, commit 01021ab8),
 * "Availability zone support" column, same list on learn.microsoft.com/azure/reliability/regions-list.
 * Without zones there (no check mark): westus, northcentralus, westcentralus, canadaeast, ukwest, francesouth,
 * germanynorth, switzerlandwest, australiasoutheast, southindia; swedensouth is a restricted region with no row.
 */
export const AVAILABILITY_ZONE_REGIONS: ReadonlySet<string> = new Set([
  "eastus",
  "eastus2",
  "centralus",
  "southcentralus",
  "westus2",
  "westus3",
  "canadacentral",
  "brazilsouth",
  "northeurope",
  "westeurope",
  "uksouth",
  "francecentral",
  "germanywestcentral",
  "switzerlandnorth",
  "swedencentral",
  "australiaeast",
  "japaneast",
  "japanwest",
  "southeastasia",
  "eastasia",
  "centralindia",
]);

export type ZoneRedundancyLater = "online" | "replacement";

export interface TierZoneRedundancy {
  /** Where the tier offers zone redundancy. */
  regions: "all-availability-zone-regions";
  /** What switching it on for an existing database or pool does. */
  later: ZoneRedundancyLater;
  detail: string;
}

/**
 * Source: MicrosoftDocs/sql-docs azure-sql/database/enable-zone-redundancy.md (ms.date 2025-07-25, commit aa244bdc)
 * "Prerequisites" and "Downtime requirements"; high-availability-sla-local-zone-redundancy.md (ms.date 2025-10-21,
 * commit 2c6eb620): "All Azure regions that have Availability zone support support zone redundant" General Purpose,
 * Business Critical and Hyperscale databases (standard-series hardware, which is all sqlfleet deploys), and
 * Hyperscale "Zone redundant configuration can only be specified during database creation".
 */
export const ZONE_REDUNDANCY_BY_TIER: Record<PoolEdition, TierZoneRedundancy> = {
  GeneralPurpose: {
    regions: "all-availability-zone-regions",
    later: "online",
    detail: "an online operation with a brief disconnect at the end (enable-zone-redundancy.md, Downtime requirements)",
  },
  BusinessCritical: {
    regions: "all-availability-zone-regions",
    later: "online",
    detail: "an online operation with a brief disconnect at the end (enable-zone-redundancy.md, Downtime requirements)",
  },
  Hyperscale: {
    regions: "all-availability-zone-regions",
    later: "replacement",
    detail:
      "fixed at creation: a zone-redundant copy is made by database copy, point-in-time restore or a geo-replica, and the connection string moves to it (enable-zone-redundancy.md, Redeployment (Hyperscale))",
  },
};

export const ZONE_REDUNDANCY_SOURCES = [
  "https://learn.microsoft.com/azure/reliability/regions-list",
  "https://learn.microsoft.com/azure/azure-sql/database/enable-zone-redundancy",
  "https://learn.microsoft.com/azure/azure-sql/database/high-availability-sla-local-zone-redundancy",
] as const;

export function regionHasAvailabilityZones(region: string): boolean {
  return AVAILABILITY_ZONE_REGIONS.has(region);
}

/** Why a zone-redundant `tier` cannot exist in `region` (naming both), or undefined when it can. */
export function zoneRedundancyRefusal(region: string, tier: PoolEdition): string | undefined {
  if (regionHasAvailabilityZones(region)) return undefined;
  return (
    `zone-redundant ${tier} is not available in ${region}: the region has no availability zones ` +
    `(zone redundancy for ${tier} exists in every region with availability zones: ${[...AVAILABILITY_ZONE_REGIONS].sort().join(", ")}; ` +
    `source ${ZONE_REDUNDANCY_SOURCES[0]}); set zoneRedundant: false or choose such a region`
  );
}
