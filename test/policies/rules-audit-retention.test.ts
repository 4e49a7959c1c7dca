// Production audit retention: the passing side of sqlfleet-stack-audit-retention (its failing cases are in
// cases.ts and run in rules-stack.test.ts): long enough, "keep forever", configured minimum, non-production.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { evaluatePolicies } from "../../policies/runner";
import { stackFilePath } from "../../stacks/fleet";
import { recordStack } from "../../stacks/record-stack";
import { exportToStorage } from "./cases";
import { recordFleet } from "./fleet-fixture";

const ID = "sqlfleet-stack-audit-retention";
const ids = async (...args: Parameters<typeof evaluatePolicies>) => (await evaluatePolicies(...args)).map((d) => d.policyId);

describe(ID, () => {
  it("passes a 90-day workspace, keep-forever diagnostic storage and a 365-day export", async () => {
    const rec = await recordFleet({ set: { law: { retentionInDays: 90 }, dbDiag: { storageAccountId: "/subscriptions/x/storageAccounts/logs", logs: [{ categoryGroup: "allLogs", enabled: true, retentionPolicy: { enabled: false, days: 0 } }] } }, extra: exportToStorage(365) });
    expect(await ids(rec)).toEqual([]);
  });
  it("fails 89 days (the boundary) and names the workspace and the minimum", async () => {
    const diags = await evaluatePolicies(await recordFleet({ set: { law: { retentionInDays: 89 } } }));
    expect(diags.map((d) => [d.policyId, d.enforcementLevel])).toEqual([[ID, "mandatory"]]);
    expect(diags[0].message).toMatch(/Workspace "law".*89.*≥ 90/);
  });
  it("takes its minimum from the pack's policy config", async () => {
    const rec = await recordFleet({ set: { law: { retentionInDays: 30 } } });
    expect(await ids(rec, { config: { [ID]: { minRetentionDays: 30 } } })).toEqual([]);
    expect(await ids(rec, { config: { [ID]: { minRetentionDays: 365 } } })).toEqual([ID]);
  });
  it("does not apply outside production", async () => {
    const rec = await recordFleet({ stack: "dev", set: { law: { retentionInDays: 30 } } });
    expect(await ids(rec)).not.toContain(ID);
  });
});

describe(`${ID} on the committed production environment`, () => {
  const dir = mkdtempSync(path.join(tmpdir(), "sqlfleet-retention-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const withRetention = async (days: number) => {
    const file = path.join(dir, "Pulumi.prod.yaml");
    const yaml = readFileSync(stackFilePath("prod"), "utf8").replace(/sqlfleet:logRetentionDays: \d+/, `sqlfleet:logRetentionDays: ${days}`);
    expect(yaml).toContain(`sqlfleet:logRetentionDays: ${days}`);
    writeFileSync(file, yaml);
    const { recording } = await recordStack("prod", { configFile: file });
    return (await evaluatePolicies(recording)).filter((d) => d.enforcementLevel === "mandatory").map((d) => d.policyId);
  };
  it("logRetentionDays: 30 in Pulumi.prod.yaml is a mandatory violation", async () => {
    expect(await withRetention(30)).toEqual([ID]);
  });
  it("logRetentionDays: 90 passes", async () => {
    expect(await withRetention(90)).toEqual([]);
  });
});
