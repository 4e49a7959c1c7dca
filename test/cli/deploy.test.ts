// `sqlfleet deploy` with an injected runner (the Pulumi CLI that the Automation API drives is not installed here):
// order, bounded concurrency, a result per stack, retries on concurrent updates, the environment gating customers.
import { describe, expect, it } from "vitest";
import { printSummary, runDeploy, selectCustomers } from "../../cli/commands/deploy";
import { briefError, deployFleet, type StackRunner } from "../../stacks/deploy";

function fakeRunner(opts: { fail?: string[]; busyOnce?: string[]; ms?: number } = {}) {
  const calls: string[] = [];
  let active = 0;
  let maxActive = 0;
  const busy = new Set(opts.busyOnce ?? []);
  const runner: StackRunner = async (stack, op, onOutput) => {
    calls.push(`${op}:${stack}`);
    active++;
    maxActive = Math.max(maxActive, active);
    try {
      await new Promise((r) => setTimeout(r, opts.ms ?? 5));
      onOutput(`Updating (${stack})`);
      if (busy.delete(stack)) throw Object.assign(new Error("conflict: Another update is currently in progress."), { name: "ConcurrentUpdateError" });
      if (opts.fail?.includes(stack)) throw new Error(`code: 255\n stdout: \n stderr: error: resource ${stack} failed\n`);
      return { changes: { create: 3, same: 1 } };
    } finally {
      active--;
    }
  };
  return { runner, calls, maxActive: () => maxActive };
}

describe("deployFleet", () => {
  it("runs the environment first, then customers at most N at a time", async () => {
    const f = fakeRunner({ ms: 20 });
    const customers = ["prod-a", "prod-b", "prod-c", "prod-d", "prod-e"];
    const results = await deployFleet({ env: "prod", customers, op: "up", parallel: 2, runner: f.runner, sleep: async () => {} });
    expect(f.calls[0]).toBe("up:prod");
    expect(f.calls.slice(1).sort()).toEqual(customers.map((c) => `up:${c}`));
    expect(f.maxActive()).toBe(2);
    expect(results.map((r) => [r.stack, r.status])).toEqual([["prod", "succeeded"], ...customers.map((c) => [c, "succeeded"])]);
    expect(results[1].changes).toEqual({ create: 3, same: 1 });
  });

  it("a failing customer does not stop the others; a concurrent update is retried", async () => {
    const f = fakeRunner({ fail: ["prod-b"], busyOnce: ["prod-c"] });
    const slept: number[] = [];
    const results = await deployFleet({ env: "prod", customers: ["prod-a", "prod-b", "prod-c"], op: "preview", parallel: 3, runner: f.runner, backoffMs: 100, sleep: async (ms) => void slept.push(ms) });
    expect(results.map((r) => [r.stack, r.status, r.attempts])).toEqual([
      ["prod", "succeeded", 1],
      ["prod-a", "succeeded", 1],
      ["prod-b", "failed", 1],
      ["prod-c", "succeeded", 2],
    ]);
    expect(results[2].error).toBe("error: resource prod-b failed");
    expect(slept).toEqual([100]);
  });

  it("a failed environment skips every customer", async () => {
    const f = fakeRunner({ fail: ["prod"] });
    const results = await deployFleet({ env: "prod", customers: ["prod-a"], op: "up", parallel: 1, runner: f.runner });
    expect(results.map((r) => r.status)).toEqual(["failed", "skipped"]);
    expect(f.calls).toEqual(["up:prod"]);
  });

  it("rejects a parallelism outside 1..32", async () => {
    await expect(deployFleet({ env: "prod", customers: [], op: "up", parallel: 0, runner: fakeRunner().runner })).rejects.toThrow(/--parallel = 0; allowed range 1..32/);
  });

  it("turns a missing pulumi CLI into one readable line", () => {
    expect(briefError(new Error("code: -2\n stdout: \n stderr: Command failed with ENOENT: pulumi version\nspawn pulumi ENOENT"))).toBe("the pulumi CLI is not installed (the Automation API drives it)");
  });
});

describe("sqlfleet deploy (runDeploy)", () => {
  it("resolves --customers against the committed stacks and deploys them after the environment", async () => {
    expect(selectCustomers("prod", "fortis,prod-cigna")).toEqual(["prod-fortis", "prod-cigna"]);
    expect(() => selectCustomers("prod", "nobody")).toThrow(/prod-nobody not found; committed customer stacks of prod: prod-apollo/);
    const f = fakeRunner();
    const lines: string[] = [];
    const log = console.log;
    console.log = (...a: unknown[]) => void lines.push(a.join(" "));
    try {
      const results = await runDeploy("prod", { customers: "all", parallel: "3", preview: true }, f.runner, { isTTY: false });
      expect(results.map((r) => r.stack)).toEqual(["prod", "prod-apollo", "prod-cigna", "prod-citiustech", "prod-fortis", "prod-maxhealthcare", "prod-northwell"]);
      expect(f.calls.every((c) => c.startsWith("preview:"))).toBe(true);
      printSummary(results, false);
    } finally {
      console.log = log;
    }
    expect(lines.join("\n")).toMatch(/succeeded prod-northwell/);
    expect(lines.join("\n")).toMatch(/prod-fortis\s+succeeded\s+1\s+\d+\.\d s\s+create 3, same 1/);
  });
});
