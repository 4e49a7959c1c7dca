import { describe, expect, it } from "vitest";
import { PlacementError, projectSizeGb, selectTier, yearsUntil } from "../../placement";

describe("tier selection", () => {
  it("projects compound growth over the horizon", () => {
    expect(projectSizeGb({ sizeGb: 1000, growthPerYear: 0.25, horizonYears: 3 })).toBe(1954);
    expect(projectSizeGb({ sizeGb: 1000, growthPerYear: 0, horizonYears: 5 })).toBe(1000);
    expect(yearsUntil(2048, 1, 4096)).toBeCloseTo(1, 6);
    expect(yearsUntil(100, 0, 4096)).toBe(Infinity);
  });

  it("keeps a database in a pool while its projection fits 4 TB, with a max size rounded up to 32 GB", () => {
    const d = selectTier("prod-x fhir", { sizeGb: 600, growthPerYear: 0.25, horizonYears: 3 });
    expect(d).toMatchObject({ tier: "pool", projectedGb: 1172, maxSizeGb: 1184 });
  });

  it("sends a database whose projection passes 4 TB to Hyperscale, even when it is small today", () => {
    const d = selectTier("prod-x dicom", { sizeGb: 3072, growthPerYear: 0.25, horizonYears: 3 }, { hyperscaleVCores: 16 });
    expect(d).toMatchObject({ tier: "hyperscale", projectedGb: 6000, vCores: 16 });
  });

  it("refuses a database above the Hyperscale bound, naming the field and the bound", () => {
    expect(() => selectTier("prod-big fhir", { sizeGb: 150 * 1024, growthPerYear: 0, horizonYears: 1 })).toThrow(PlacementError);
    expect(() => selectTier("prod-big fhir", { sizeGb: 150 * 1024, growthPerYear: 0, horizonYears: 1 })).toThrow(/prod-big fhir: sizeGb = 153600 .*102400 GB/);
  });

  it("refuses a Hyperscale vCore count Azure does not offer", () => {
    expect(() => selectTier("x", { sizeGb: 10, growthPerYear: 0, horizonYears: 1 }, { hyperscaleVCores: 7 })).toThrow(/hyperscaleVCores = 7 .*2, 4, 6, 8/);
  });
});
