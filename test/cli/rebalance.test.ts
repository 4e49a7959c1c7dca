// `sqlfleet rebalance`: the move plan from the example snapshot, and --write editing the stack files.
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { loadCustomerConfig, PROJECT_ROOT } from "../../stacks/fleet";
import { scratchFleet } from "./fleet-root";
import { runCli } from "./run-cli";

const metrics = path.join(PROJECT_ROOT, "placement/examples/prod-metrics.json");

describe("sqlfleet rebalance", () => {
  it("proposes the one online move that brings gp-01 back under the fill target, with utilisation before and after", async () => {
    const r = await runCli("rebalance", "prod", "--metrics", metrics, "--json");
    expect(r.code).toBe(0);
    const plan = JSON.parse(r.out);
    expect(plan.moves).toEqual([expect.objectContaining({ database: "maxhealthcare-dicom", stack: "prod-maxhealthcare", from: "gp-01", to: "gp-02", change: expect.objectContaining({ classification: "online" }) })]);
    expect(plan.before.find((u: { pool: string }) => u.pool === "gp-01")).toMatchObject({ inBand: false, cpu: 27 / 32 });
    expect(plan.after.every((u: { inBand: boolean }) => u.inBand)).toBe(true);
    expect(plan.written).toEqual([]);
    const text = await runCli("rebalance", "prod", "--metrics", metrics);
    expect(text.out).toMatch(/gp-01\s+3 → 2\s+\S+ → \S+\s+84% → 66%/);
  });

  it("--write moves the database in its customer stack file and keeps the file's comments", async () => {
    const root = scratchFleet();
    const r = await runCli("rebalance", "prod", "--metrics", metrics, "--write", "--root", root);
    expect(r.code).toBe(0);
    const file = path.join(root, "Pulumi.prod-maxhealthcare.yaml");
    const cfg = loadCustomerConfig("prod-maxhealthcare", file);
    expect(cfg.dicom?.placement).toMatchObject({ tier: "pool", pool: "gp-02" });
    expect(cfg.fhir?.placement).toMatchObject({ tier: "pool", pool: "gp-01" });
    expect(readFileSync(file, "utf8")).toMatch(/^# Max Healthcare \(seed 003/);
  });

  it("exits 1 and says to add a pool when no move brings the fleet into band", async () => {
    const hot = path.join(scratchFleet(), "hot.json");
    writeFileSync(hot, JSON.stringify({
      capturedAt: "x",
      windowHours: 24,
      databases: [
        { name: "a", pool: "gp-01", storageUsedGb: 3500, avgVCores: 1, peakVCores: 2 },
        { name: "b", pool: "gp-02", storageUsedGb: 3500, avgVCores: 1, peakVCores: 2 },
      ],
    }));
    const r = await runCli("rebalance", "prod", "--metrics", hot, "--json");
    expect(r.code).toBe(1);
    expect(JSON.parse(r.out).unresolved.map((u: { pool: string }) => u.pool)).toEqual(["gp-01", "gp-02"]);
  });
});
