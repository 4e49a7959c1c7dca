import { describe, expect, it } from "vitest";
import { parseMetricsSnapshot, planRebalance, poolSpec, type MetricsSnapshot } from "../../placement";

const pools = [poolSpec("gp-01", "GeneralPurpose", 8), poolSpec("gp-02", "GeneralPurpose", 8), poolSpec("gp-03", "GeneralPurpose", 8)];
const db = (name: string, pool: string, storageUsedGb: number, avgVCores: number) => ({ name, stack: `prod-${name}`, pool, storageUsedGb, avgVCores, peakVCores: avgVCores * 2 });

describe("rebalancing", () => {
  it("detects an overfull pool and moves the smallest database that brings it back in band", () => {
    const snap: MetricsSnapshot = {
      capturedAt: "2026-11-25T00:00:00Z",
      windowHours: 168,
      databases: [db("a", "gp-01", 900, 1), db("b", "gp-01", 500, 1), db("c", "gp-01", 300, 1), db("d", "gp-02", 200, 1), db("e", "gp-03", 100, 0.5)],
    };
    const plan = planRebalance(pools, snap, { fillTarget: 0.8, spread: 0.5 });
    // gp-01 holds 1700 GB of 2048 (83 %) > 80 %: moving c (300 GB) alone fixes it.
    expect(plan.before.find((u) => u.pool === "gp-01")).toMatchObject({ inBand: false, storageGb: 1700 });
    expect(plan.moves).toHaveLength(1);
    expect(plan.moves[0]).toMatchObject({ database: "c", stack: "prod-c", from: "gp-01", to: "gp-03" });
    expect(plan.moves[0].change.classification).toBe("online");
    expect(plan.after.every((u) => u.inBand)).toBe(true);
    expect(plan.unresolved).toEqual([]);
  });

  it("uses the spread band: a pool far above the fleet mean sheds load", () => {
    const snap: MetricsSnapshot = {
      capturedAt: "x",
      windowHours: 24,
      databases: [db("a", "gp-01", 300, 3), db("b", "gp-01", 200, 2.5), db("c", "gp-02", 50, 0.25)],
    };
    const plan = planRebalance(pools, snap, { fillTarget: 0.8, spread: 0.3 });
    expect(plan.before.find((u) => u.pool === "gp-01")!.why).toMatch(/fleet mean/);
    // b (2.5 vCores) alone brings gp-01 from 69 % down to 38 %: the smallest database that fixes it.
    expect(plan.moves.map((m) => m.database)).toEqual(["b"]);
    expect(plan.after.every((u) => u.inBand)).toBe(true);
  });

  it("says to add a pool when no move can bring the fleet into band", () => {
    const snap: MetricsSnapshot = { capturedAt: "x", windowHours: 24, databases: [db("a", "gp-01", 1800, 1), db("b", "gp-02", 1700, 1), db("c", "gp-03", 1750, 1)] };
    const plan = planRebalance(pools, snap, { fillTarget: 0.8 });
    expect(plan.moves).toEqual([]);
    expect(plan.unresolved.map((u) => u.pool).sort()).toEqual(["gp-01", "gp-02", "gp-03"]);
    expect(plan.unresolved[0].why).toMatch(/add a pool/);
  });

  it("validates the snapshot and names the bad field", () => {
    expect(() => parseMetricsSnapshot({ capturedAt: "x", windowHours: 1, databases: [{ name: "a", storageUsedGb: -1, avgVCores: 0, peakVCores: 0 }] }, "m.json")).toThrow(
      /m.json: databases.0.storageUsedGb/,
    );
  });

  it("refuses a database in a pool the environment does not have", () => {
    expect(() => planRebalance(pools, { capturedAt: "x", windowHours: 1, databases: [db("a", "gp-09", 1, 0)] })).toThrow(/gp-09.*gp-01, gp-02, gp-03/);
  });
});
