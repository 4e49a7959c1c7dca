// The zone-redundancy table: every region it names is one placement/limits knows, the regions without zones are the
// ones the Microsoft regions list leaves unchecked, and the refusal names region and tier.
import { describe, expect, it } from "vitest";
import { KNOWN_REGIONS } from "../../placement/limits";
import { AVAILABILITY_ZONE_REGIONS, ZONE_REDUNDANCY_BY_TIER, zoneRedundancyRefusal } from "../../placement/zone-redundancy";

describe("zone redundancy by region and tier", () => {
  it("names only known regions, and exactly these known regions lack availability zones", () => {
    for (const r of AVAILABILITY_ZONE_REGIONS) expect(KNOWN_REGIONS).toContain(r);
    const without = KNOWN_REGIONS.filter((r) => !AVAILABILITY_ZONE_REGIONS.has(r));
    expect(without.sort()).toEqual(["australiasoutheast", "canadaeast", "francesouth", "germanynorth", "northcentralus", "southindia", "swedensouth", "switzerlandwest", "ukwest", "westcentralus", "westus"]);
  });

  it("refuses each tier where the region has no zones, naming both; accepts it where it has", () => {
    for (const tier of ["GeneralPurpose", "BusinessCritical", "Hyperscale"] as const) {
      expect(zoneRedundancyRefusal("eastus2", tier)).toBeUndefined();
      expect(zoneRedundancyRefusal("ukwest", tier)).toMatch(new RegExp(`^zone-redundant ${tier} is not available in ukwest: the region has no availability zones`));
    }
  });

  it("switching it on later: online for General Purpose and Business Critical, a replacement for Hyperscale", () => {
    expect(ZONE_REDUNDANCY_BY_TIER.GeneralPurpose.later).toBe("online");
    expect(ZONE_REDUNDANCY_BY_TIER.BusinessCritical.later).toBe("online");
    expect(ZONE_REDUNDANCY_BY_TIER.Hyperscale.later).toBe("replacement");
  });
});
