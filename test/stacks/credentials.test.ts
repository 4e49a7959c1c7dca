// `sqlfleet credentials`: the inventory read from recordings of the real stack programs (keys of the committed
// prod fleet) and from a program with a rotating credential (secret expiry and next rotation; no value leaks).
import { describe, expect, it } from "vitest";
import { CustomerManagedKey, KeyVaultExpiryAlerts, RotatingCredential } from "../../components";
import { credentialReport, credentialRows } from "../../stacks/credentials";
import { Fleet } from "../../stacks/fleet-model";
import { recordProgram } from "../support/recorder";

const AG = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.Insights/actionGroups/ag";

describe("credentialReport", () => {
  it("lists the prod environment's key and the per-customer key of prod-cigna, both with expiry alerts", async () => {
    const r = await credentialReport("prod", { fleet: new Fleet() });
    expect(r.stacks).toEqual(expect.arrayContaining(["prod", "prod-cigna", "prod-fortis"]));
    expect(r.credentials).toEqual([
      expect.objectContaining({ stack: "prod", vault: "kv-sqlfprod-prod", kind: "key", name: "cmk-key", expires: "P1Y after each version is created", nextRotation: "automatic, P30D before expiry", expiryAlerts: true }),
      expect.objectContaining({ stack: "prod-cigna", kind: "key", name: "cigna-cmk-key", expiryAlerts: true }),
    ]);
    expect(r.credentials[1].vault).toMatch(/^kvsqlfprod[0-9a-f]{8}$/);
  }, 180_000);

  it("refuses an unknown stack name before recording anything", async () => {
    await expect(credentialReport("Not_A_Stack")).rejects.toThrow(/stack "Not_A_Stack"/);
  });
});

describe("credentialRows", () => {
  it("shows a rotating secret's expiry and next rotation, and whether its vault is alerted, never its value", async () => {
    const { recording } = await recordProgram(() => {
      const cmk = new CustomerManagedKey("cmk", { resourceGroupName: "rg", location: "westeurope", tenantId: "11111111-1111-1111-1111-111111111111", vaultName: "kv-alerted", expiryAlerts: { actionGroupId: AG } });
      new RotatingCredential("pg-admin", { rotationDays: 90, now: new Date("2026-11-15T10:00:00Z"), vault: { name: cmk.vaultName, resourceGroupName: "rg" } });
      new RotatingCredential("other", { rotationDays: 30, now: new Date("2026-11-15T10:00:00Z"), vault: { name: "kv-silent", resourceGroupName: "rg" } });
    });
    const rows = credentialRows("dev", recording);
    expect(rows.find((r) => r.name === "pg-admin")).toEqual({
      stack: "dev",
      vault: "kv-alerted",
      kind: "secret",
      name: "pg-admin",
      expires: "2027-01-02T00:00:00.000Z",
      nextRotation: "2026-12-03 (first deploy on or after)",
      rotation: "every 90 days (time-driven)",
      expiryAlerts: true,
    });
    // 30-day periods: 2026-11-15 is in 2026-11-03 .. 2026-12-03 (day 20760 .. 20790); expires 30 days later.
    expect(rows.find((r) => r.name === "other")).toMatchObject({ vault: "kv-silent", expires: "2027-01-02T00:00:00.000Z", nextRotation: "2026-12-03 (first deploy on or after)", rotation: "every 30 days (time-driven)", expiryAlerts: false });
    const password = recording.one("pg-admin-password").outputs.result as string;
    expect(password.length).toBe(32);
    expect(JSON.stringify(rows)).not.toContain(password);
  });

  it("a vault whose topic lacks the expired subscription does not count as alerted", async () => {
    const { recording } = await recordProgram(() => {
      const cmk = new CustomerManagedKey("cmk", { resourceGroupName: "rg", location: "westeurope", tenantId: "11111111-1111-1111-1111-111111111111", vaultName: "kv-half" });
      const alerts = new KeyVaultExpiryAlerts("half", { resourceGroupName: "rg", location: "westeurope", vaultId: cmk.vaultId, actionGroupId: AG, objects: ["keys"] });
      void alerts;
    });
    // objects: ["keys"] subscribes to key events only: secrets' events are not covered, so not "alerted".
    expect(credentialRows("dev", recording)).toEqual([expect.objectContaining({ kind: "key", vault: "kv-half", expiryAlerts: false })]);
  });
});
