// Deprovisioning production: the acknowledged and non-production sides of sqlfleet-stack-prod-deprovision (its
// unacknowledged failing cases are in cases.ts and run in rules-stack.test.ts), plus the committed prod stack with
// `sqlfleet:deprovision: true` written into its file.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { evaluatePolicies } from "../../policies/runner";
import { stackFilePath } from "../../stacks/fleet";
import { recordStack } from "../../stacks/record-stack";
import { recordFleet } from "./fleet-fixture";

const ID = "sqlfleet-stack-prod-deprovision";
const UNPROTECTED = ["primary.server", "db", "vault", "key"];

describe(ID, () => {
  it("names every unprotected resource and how to acknowledge", async () => {
    const diags = (await evaluatePolicies(await recordFleet({ unprotect: UNPROTECTED }))).filter((d) => d.policyId === ID);
    expect(diags.map((d) => [d.resourceName, d.enforcementLevel]).sort()).toEqual([["db", "mandatory"], ["key", "mandatory"], ["primary-server", "mandatory"], ["vault", "mandatory"]]);
    expect(diags.find((d) => d.resourceName === "key")?.message).toMatch(/key material.*acknowledgedStacks: \["prod"\]/);
  });
  it("acknowledged for this stack: still reported, as advisory data loss", async () => {
    const rec = await recordFleet({ unprotect: UNPROTECTED });
    const diags = await evaluatePolicies(rec, { config: { [ID]: { acknowledgedStacks: ["prod"] } } });
    expect(diags.map((d) => [d.policyId, d.enforcementLevel])).toEqual(UNPROTECTED.map(() => [ID, "advisory"]));
    expect(diags.every((d) => /data loss acknowledged for stack "prod"/.test(d.message))).toBe(true);
  });
  it("an acknowledgement naming another stack does not count", async () => {
    const rec = await recordFleet({ unprotect: ["vault"] });
    const diags = await evaluatePolicies(rec, { config: { [ID]: { acknowledgedStacks: ["prod-northwell"] } } });
    expect(diags.map((d) => [d.policyId, d.enforcementLevel])).toEqual([[ID, "mandatory"]]);
  });
  it("does not apply outside production", async () => {
    const rec = await recordFleet({ stack: "dev", unprotect: UNPROTECTED });
    expect((await evaluatePolicies(rec)).map((d) => d.policyId)).not.toContain(ID);
  });
});

describe(`${ID} on the committed production environment`, () => {
  const dir = mkdtempSync(path.join(tmpdir(), "sqlfleet-deprovision-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  it("sqlfleet:deprovision: true in Pulumi.prod.yaml is a mandatory violation naming the vault and key", async () => {
    const file = path.join(dir, "Pulumi.prod.yaml");
    const yaml = readFileSync(stackFilePath("prod"), "utf8").replace(/^config:\n/m, "config:\n  sqlfleet:deprovision: true\n");
    expect(yaml).toContain("sqlfleet:deprovision: true");
    writeFileSync(file, yaml);
    const { recording } = await recordStack("prod", { configFile: file });
    const diags = (await evaluatePolicies(recording)).filter((d) => d.enforcementLevel === "mandatory");
    expect([...new Set(diags.map((d) => d.policyId))]).toEqual([ID]);
    expect(diags.map((d) => d.resourceType)).toEqual(expect.arrayContaining(["azure-native:keyvault:Vault", "azure-native:keyvault:Key"]));
  });
});
