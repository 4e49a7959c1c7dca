import { describe, expect, it } from "vitest";
import { classifyResize, type DatabaseState } from "../../placement";

const pooled: DatabaseState = { name: "contoso-fhir", tier: "GeneralPurpose", pool: "gp-01", poolEdition: "GeneralPurpose", maxSizeGb: 2048, collation: "SQL_Latin1_General_CP1_CI_AS", inFailoverGroup: true };
const now = new Date("2026-11-25T00:00:00Z");

describe("resize classification", () => {
  it("moving between pools of one edition is online, secondary pool first when geo-replicated", () => {
    const c = classifyResize(pooled, { ...pooled, pool: "gp-02" }, { now });
    expect(c.classification).toBe("online");
    expect(c.dataLoss).toBe(false);
    expect(c.steps).toEqual([expect.stringMatching(/secondary server has a pool named gp-02/)]);
  });

  it("pool → Hyperscale is one-way, leaves the failover group first, and lists its steps in order", () => {
    const c = classifyResize(pooled, { name: "contoso-fhir", tier: "Hyperscale", vCores: 8, collation: pooled.collation, inFailoverGroup: true }, { now });
    expect(c.classification).toBe("one-way");
    expect(c.requiresLeavingFailoverGroup).toBe(true);
    expect(c.reasons.join(" ")).toMatch(/one-way.*45 days/);
    expect(c.steps[0]).toMatch(/Remove contoso-fhir from its failover group/);
    expect(c.steps[2]).toMatch(/HS_Gen5_8/);
    expect(c.steps[c.steps.length - 1]).toMatch(/Add contoso-fhir back to the failover group/);
  });

  it("a collation change is a replacement with data loss", () => {
    const c = classifyResize(pooled, { ...pooled, collation: "Latin1_General_100_CI_AS_SC_UTF8" }, { now });
    expect(c.classification).toBe("replacement");
    expect(c.dataLoss).toBe(true);
    expect(c.reasons[0]).toMatch(/collation SQL_Latin1_General_CP1_CI_AS → Latin1_General_100_CI_AS_SC_UTF8 is create-only/);
    expect(c.steps.length).toBeGreaterThanOrEqual(4);
  });

  it("Hyperscale → General Purpose within 45 days of a migration is a reverse migration out of the failover group", () => {
    const hs: DatabaseState = { name: "x", tier: "Hyperscale", vCores: 8, inFailoverGroup: true, migratedToHyperscaleAt: "2026-11-01" };
    const c = classifyResize(hs, { name: "x", tier: "GeneralPurpose", vCores: 8, inFailoverGroup: true }, { now });
    expect(c.classification).toBe("leave-failover-group");
    expect(c.dataLoss).toBe(false);
    expect(c.reasons.join(" ")).toMatch(/24 of 45 days/);
  });

  it("Hyperscale → General Purpose after 45 days, or for a database created in Hyperscale, is a replacement", () => {
    const late = classifyResize({ name: "x", tier: "Hyperscale", migratedToHyperscaleAt: "2026-09-01" }, { name: "x", tier: "GeneralPurpose" }, { now });
    expect(late.classification).toBe("replacement");
    expect(late.reasons[0]).toMatch(/85 days ago \(> 45\)/);
    const born = classifyResize({ name: "x", tier: "Hyperscale" }, { name: "x", tier: "GeneralPurpose" }, { now });
    expect(born.classification).toBe("replacement");
    expect(born.reasons[0]).toMatch(/created in Hyperscale/);
  });

  it("Hyperscale zone redundancy is fixed at creation: changing it replaces the database", () => {
    const c = classifyResize({ name: "x", tier: "Hyperscale", zoneRedundant: false }, { name: "x", tier: "Hyperscale", zoneRedundant: true }, { now });
    expect(c.classification).toBe("replacement");
  });

  it("no change is classified none", () => {
    expect(classifyResize(pooled, { ...pooled }, { now }).classification).toBe("none");
  });
});
