// The fleet model: `sqlfleet plan <stack>` reads each stack file once, keeps key lines, and records the environment
// once for all its customers within one Fleet.
import { readFileSync } from "node:fs";
import { describe, expect, it, vi } from "vitest";
import { customerStacksOf, PROJECT_ROOT, stackFilePath } from "../../stacks/fleet";
import { Fleet } from "../../stacks/fleet-model";
import { runPlan } from "../../stacks/plan/run";
import { runCliWith } from "../cli/run-cli";

/** A Fleet whose reader counts reads per file. */
function countingFleet(): { fleet: Fleet; reads: Map<string, number> } {
  const reads = new Map<string, number>();
  const fleet = new Fleet(PROJECT_ROOT, (f) => {
    reads.set(f, (reads.get(f) ?? 0) + 1);
    return readFileSync(f, "utf8");
  });
  return { fleet, reads };
}

describe("Fleet", () => {
  it("sqlfleet plan <customer> reads the environment's and every customer's stack file exactly once", async () => {
    const fleets: ReturnType<typeof countingFleet>[] = [];
    // The CLI's own plan command, with the injected fleet factory (one Fleet per command).
    const r = await runCliWith({ openFleet: () => (fleets.push(countingFleet()), fleets[fleets.length - 1].fleet) }, "plan", "prod-fortis", "--json");
    expect(r.code).toBe(0);
    expect(fleets).toHaveLength(1);
    const { reads } = fleets[0];
    const expected = [stackFilePath("prod"), ...customerStacksOf("prod").map((s) => stackFilePath(s))];
    expect(expected.length).toBeGreaterThan(3);
    expect([...reads.keys()].sort()).toEqual(expected.sort());
    for (const [file, n] of reads) expect(n, file).toBe(1);
  });

  it("records the environment once for all customers planned with one Fleet", async () => {
    const { fleet, reads } = countingFleet();
    let recordings = 0;
    const memo = fleet.environmentOutputs.bind(fleet);
    vi.spyOn(fleet, "environmentOutputs").mockImplementation((env, file, record) => memo(env, file, () => (recordings++, record())));
    const customers = customerStacksOf("prod");
    for (const stack of customers) expect((await runPlan(stack, { fleet, skipPolicies: true })).exitCode).toBe(0);
    expect(customers.length).toBeGreaterThan(3);
    expect(recordings).toBe(1);
    for (const [file, n] of reads) expect(n, file).toBe(1);
  });

  it("keeps the line of each config key for messages", () => {
    const fleet = new Fleet();
    const file = stackFilePath("prod-fortis");
    const lines = readFileSync(file, "utf8").split("\n");
    const line = lines.findIndex((l) => /^\s+sqlfleet:fhir:/.test(l)) + 1;
    expect(line).toBeGreaterThan(0);
    expect(fleet.load(file).lines.get("sqlfleet:fhir")).toBe(line);
    expect(fleet.locate(file, "sqlfleet:fhir")).toBe(`${file}:${line}`);
    expect(fleet.locate(file, "sqlfleet:nope")).toBe(file);
  });
});
