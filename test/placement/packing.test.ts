import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { packDatabases, perDatabaseMaxGb, poolLowerBound, poolSpec, type DatabaseDemand, type PoolSpec } from "../../placement";

const FILL = 0.8;

const demandArb = fc.record({
  storageGb: fc.integer({ min: 1, max: 4096 }),
  maxExtra: fc.integer({ min: 0, max: 512 }),
  vCores: fc.constantFrom(0, 0.25, 0.5, 1, 2, 4, 8),
});
const poolArb = fc.record({
  edition: fc.constantFrom("GeneralPurpose" as const, "BusinessCritical" as const),
  vCores: fc.constantFrom(4, 8, 16, 24, 32, 40),
});

function toDemands(raw: { storageGb: number; maxExtra: number; vCores: number }[]): DatabaseDemand[] {
  return raw.map((r, i) => ({ name: `db-${i}`, storageGb: r.storageGb, maxSizeGb: Math.min(4096, r.storageGb + r.maxExtra), vCores: r.vCores }));
}

function checkInvariants(dbs: DatabaseDemand[], result: ReturnType<typeof packDatabases>) {
  const byName = new Map(dbs.map((d) => [d.name, d]));
  // Every database exactly once: either assigned to one pool or reported unplaced, never both, never twice.
  const placed = result.loads.flatMap((l) => l.databases);
  expect(new Set(placed).size).toBe(placed.length);
  const unplaced = result.unplaced.map((u) => u.database);
  expect([...placed, ...unplaced].sort()).toEqual(dbs.map((d) => d.name).sort());
  for (const l of result.loads) {
    const storage = l.databases.reduce((s, n) => s + byName.get(n)!.storageGb, 0);
    const vcores = l.databases.reduce((s, n) => s + byName.get(n)!.vCores, 0);
    expect(storage).toBeLessThanOrEqual(l.pool.maxDataGb * FILL + 1e-6);
    expect(vcores).toBeLessThanOrEqual(l.pool.vCores * FILL + 1e-6);
    expect(l.databases.length).toBeLessThanOrEqual(l.pool.maxDatabases);
    for (const n of l.databases) {
      expect(byName.get(n)!.maxSizeGb).toBeLessThanOrEqual(perDatabaseMaxGb(l.pool));
      expect(result.assignments.get(n)).toBe(l.pool.name);
    }
  }
}

describe("bin packing into pools", () => {
  it("never overfills a pool, never exceeds a database limit, places each database exactly once (property)", () => {
    fc.assert(
      fc.property(fc.array(demandArb, { minLength: 0, maxLength: 60 }), fc.array(poolArb, { minLength: 1, maxLength: 6 }), (raw, pools) => {
        const dbs = toDemands(raw);
        const specs: PoolSpec[] = pools.map((p, i) => poolSpec(`p-${i}`, p.edition, p.vCores));
        checkInvariants(dbs, packDatabases(dbs, specs, { fillTarget: FILL }));
      }),
      { numRuns: 300 },
    );
  });

  it("keeps the invariants when it opens new pools, and every database then finds a home (property)", () => {
    fc.assert(
      fc.property(fc.array(demandArb, { minLength: 1, maxLength: 80 }), (raw) => {
        // Databases a 32-vCore GP pool can hold at 80 %: up to 3276 GB and 25.6 vCores.
        const dbs = toDemands(raw).map((d) => ({ ...d, storageGb: Math.min(d.storageGb, 3000) }));
        const result = packDatabases(dbs, [], { fillTarget: FILL, newPool: { edition: "GeneralPurpose", vCores: 32 } });
        checkInvariants(dbs, result);
        expect(result.unplaced).toEqual([]);
        expect(result.opened.length).toBeGreaterThanOrEqual(poolLowerBound(dbs, poolSpec("x", "GeneralPurpose", 32), FILL));
      }),
      { numRuns: 200 },
    );
  });

  it("keeps databases already in a pool and fills around them", () => {
    const pool = poolSpec("gp-01", "GeneralPurpose", 8); // 2048 GB, 80 % = 1638.4 GB
    const result = packDatabases(
      [{ name: "new", storageGb: 700, maxSizeGb: 800, vCores: 1 }],
      [{ pool, databases: ["old"], storageGb: 1000, vCores: 2 }],
      { fillTarget: FILL },
    );
    expect(result.assignments.size).toBe(0);
    expect(result.unplaced[0].database).toBe("new");
    // 800 GB max needs pool storage ≥ 800 GB: GP 2 (512) and 4 (756) are too small, 6 vCores (1536 GB) holds it.
    expect(result.unplaced[0].suggestion).toMatchObject({ name: "gp-02", edition: "GeneralPurpose", vCores: 6, maxDataGb: 1536 });
  });

  it("says which pool to add: the smallest size whose per-database max and capacity hold the database", () => {
    const pool = poolSpec("gp-01", "GeneralPurpose", 8);
    const result = packDatabases([{ name: "big", storageGb: 2500, maxSizeGb: 3500, vCores: 2 }], [pool], { fillTarget: FILL });
    // 3500 GB max needs a pool whose data max is ≥ 3500: GP 32 vCores (4096 GB) is the smallest.
    expect(result.unplaced).toEqual([
      expect.objectContaining({ database: "big", suggestion: expect.objectContaining({ name: "gp-02", vCores: 32, maxDataGb: 4096 }) }),
    ]);
  });

  it("reports a database no pool size can hold as a Hyperscale case, with no pool suggestion", () => {
    const result = packDatabases([{ name: "huge", storageGb: 3900, maxSizeGb: 4096, vCores: 1 }], [poolSpec("gp-01", "GeneralPurpose", 32)], { fillTarget: FILL });
    expect(result.unplaced[0].suggestion).toBeUndefined();
    expect(result.unplaced[0].reason).toMatch(/Hyperscale/);
  });

  it("rejects a fill target outside (0, 1]", () => {
    expect(() => packDatabases([], [], { fillTarget: 1.2 })).toThrow(/fillTarget = 1.2/);
  });
});
