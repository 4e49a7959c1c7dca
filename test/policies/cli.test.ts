// `sqlfleet policy list|check` in-process through the real commander program: output shape and exit codes.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, afterEach, describe, expect, it, vi } from "vitest";
import { buildProgram } from "../../cli/main";
import type { PolicyCheckReport } from "../../cli/commands/policy";
import { yieldToEventLoop } from "./fleet-fixture";

async function run(...args: string[]): Promise<{ out: string; err: string; code: number }> {
  let out = "";
  let err = "";
  const w = vi.spyOn(process.stdout, "write").mockImplementation((s: string | Uint8Array) => ((out += String(s)), true));
  const l = vi.spyOn(console, "log").mockImplementation((...a: unknown[]) => void (out += `${a.join(" ")}\n`));
  const e = vi.spyOn(console, "error").mockImplementation((...a: unknown[]) => void (err += `${a.join(" ")}\n`));
  try {
    process.exitCode = 0;
    await buildProgram().exitOverride().parseAsync(["node", "sqlfleet", ...args]);
    return { out, err, code: Number(process.exitCode ?? 0) };
  } finally {
    w.mockRestore();
    l.mockRestore();
    e.mockRestore();
  }
}

const dir = mkdtempSync(path.join(tmpdir(), "sqlfleet-policy-cli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(async () => {
  process.exitCode = 0;
  await yieldToEventLoop();
});

describe("sqlfleet policy", () => {
  it("list --json gives every policy with id, level, severity and framework", async () => {
    const { out, code } = await run("policy", "list", "--json");
    const list = JSON.parse(out) as { id: string; enforcementLevel: string; severity: string; framework: { name: string } }[];
    expect(code).toBe(0);
    expect(list).toHaveLength(39);
    expect(list.find((p) => p.id === "sqlfleet-sql-server-min-tls")).toMatchObject({ enforcementLevel: "mandatory", severity: "high", framework: { name: "mcsb" } });
  });

  it("list prints a table", async () => {
    const { out } = await run("policy", "list");
    expect(out).toContain("sqlfleet-stack-cmk-chain");
    expect(out).toMatch(/39 policies/);
  });

  it("check --json on a clean stack exits 0", async () => {
    const { out, code } = await run("policy", "check", "prod-citiustech", "--json");
    const report = JSON.parse(out) as PolicyCheckReport;
    expect(report.stacks.map((s) => [s.stack, s.mandatory])).toEqual([["prod-citiustech", 0]]);
    expect(report.stacks[0].resources).toBeGreaterThan(5);
    expect(code).toBe(0);
  });

  it("check exits 1 on a mandatory violation (config pins the Log Analytics workspace to another one)", async () => {
    const file = path.join(dir, "strict.json");
    writeFileSync(file, JSON.stringify({ "sqlfleet-diag-setting-shape": { workspaceId: "/subscriptions/x/resourceGroups/y/providers/Microsoft.OperationalInsights/workspaces/central" } }));
    const { out, code } = await run("policy", "check", "prod-citiustech", "--config", file, "--json");
    const report = JSON.parse(out) as PolicyCheckReport;
    const mandatory = report.stacks[0].diagnostics.filter((d) => d.enforcementLevel === "mandatory");
    expect(mandatory.length).toBeGreaterThan(0);
    expect(new Set(mandatory.map((d) => d.policyId))).toEqual(new Set(["sqlfleet-diag-setting-shape"]));
    expect(mandatory[0].message).toContain("must be the configured workspace");
    expect(code).toBe(1);
  });

  it("check exits 2 on an invalid policy config, naming policy, setting and allowed values", async () => {
    const file = path.join(dir, "bad.yaml");
    writeFileSync(file, "sqlfleet-kv-key-strength:\n  allowedKeySizes: [1024]\n");
    const { err, code } = await run("policy", "check", "prod-citiustech", "--config", file);
    expect(err).toContain("sqlfleet-kv-key-strength.allowedKeySizes = [1024] is invalid; expected an array of 2048, 3072, 4096");
    expect(code).toBe(2);
  });
});
