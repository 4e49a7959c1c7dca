// The fleet model: `sqlfleet plan <stack>` reads each stack file once, keeps key lines, and records the environment
// once for all its customers within one Fleet.
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it, vi } from "vitest";
import { listStacks } from "../../stacks/fleet";
import { gitFleet } from "../pr/git-fleet";
import { customerStacksOf, PROJECT_ROOT, stackFilePath } from "../../stacks/fleet";
import { Fleet } from "../../stacks/fleet-model";
import { runPlan } from "../../stacks/plan/run";
import { runCliWith } from "../cli/run-cli";

/** A Fleet whose reader counts reads per file. */
function countingFleet(root = PROJECT_ROOT): { fleet: Fleet; reads: Map<string, number> } {
  const reads = new Map<string, number>();
  const fleet = new Fleet(root, (f) => {
    reads.set(f, (reads.get(f) ?? 0) + 1);
    return readFileSync(f, "utf8");
  });
  return { fleet, reads };
}

/**
 * Counts how often each environment is recorded through a Fleet: by the memo (a customer's StackReference) or by
 * planning the environment itself (which hands its outputs to the memo). Once per environment is the contract.
 */
function countEnvironmentRecordings(fleet: Fleet): Map<string, number> {
  const n = new Map<string, number>();
  const bump = (env: string) => n.set(env, (n.get(env) ?? 0) + 1);
  const memo = fleet.environmentOutputs.bind(fleet);
  vi.spyOn(fleet, "environmentOutputs").mockImplementation((env, file, record) => memo(env, file, () => (bump(env), record())));
  const provide = fleet.provideEnvironmentOutputs.bind(fleet);
  vi.spyOn(fleet, "provideEnvironmentOutputs").mockImplementation((env, outputs, file) => (bump(env), provide(env, outputs, file)));
  return n;
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

  it("sqlfleet policy check (every stack): one Fleet, each file read once, each environment recorded once", async () => {
    const fleets: { fleet: Fleet; reads: Map<string, number>; recordings: Map<string, number> }[] = [];
    const open = () => {
      const c = countingFleet();
      fleets.push({ ...c, recordings: countEnvironmentRecordings(c.fleet) });
      return c.fleet;
    };
    const r = await runCliWith({ openFleet: open }, "policy", "check", "--json");
    expect(r.code, r.err).toBe(0);
    expect(fleets).toHaveLength(1);
    const { reads, recordings } = fleets[0];
    expect([...reads.keys()].sort()).toEqual(listStacks().map((s) => stackFilePath(s)).sort());
    for (const [file, n] of reads) expect(n, file).toBe(1);
    expect(Object.fromEntries(recordings)).toEqual({ dev: 1, prod: 1 });
  }, 300_000);

  it("sqlfleet pr: one Fleet for the head and one for the base, each file read once, each environment recorded once per side", async () => {
    const repo = gitFleet();
    // An environment change affects the environment and every one of its customers.
    repo.edit("Pulumi.dev.yaml", "sqlfleet:logRetentionDays: 30", "sqlfleet:logRetentionDays: 60");
    repo.commit("dev log retention");
    const fleets: { fleet: Fleet; reads: Map<string, number>; recordings: Map<string, number> }[] = [];
    const open = (root?: string) => {
      const c = countingFleet(root);
      fleets.push({ ...c, recordings: countEnvironmentRecordings(c.fleet) });
      return c.fleet;
    };
    const out = path.join(repo.dir, "report.json");
    const r = await runCliWith({ openFleet: open }, "pr", "--base", "HEAD~1", "--repo", repo.dir, "--format", "json", "--out", out);
    expect(r.code, r.err).toBe(0);
    const report = JSON.parse(readFileSync(out, "utf8")) as { stacks: { stack: string }[] };
    expect(report.stacks.map((s) => s.stack)).toEqual(["dev", "dev-contoso"]);
    expect(fleets).toHaveLength(2);
    for (const { fleet, reads, recordings } of fleets) {
      expect([...reads.keys()].sort(), fleet.root).toEqual([path.join(fleet.root, "Pulumi.dev-contoso.yaml"), path.join(fleet.root, "Pulumi.dev.yaml")]);
      for (const [file, n] of reads) expect(n, file).toBe(1);
      expect(Object.fromEntries(recordings)).toEqual({ dev: 1 });
    }
  }, 300_000);

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
