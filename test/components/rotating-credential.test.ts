import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { PASSWORD_SPECIALS, RotatingCredential, type RotatingCredentialArgs } from "../../components";
import { expectValidationError, recordProgram } from "../support/recorder";
import { RG } from "./fixtures";

// 90-day periods from the Unix epoch: 2026-11-15 lies in the period 2026-09-04 .. 2026-12-03 (day 20700 .. 20790).
const NOW = new Date("2026-11-15T10:00:00Z");
const base: RotatingCredentialArgs = { rotationDays: 90, now: NOW, vault: { name: "kv-sqlfleet", resourceGroupName: RG }, secretName: "pg-admin" };

function credential(args: Partial<RotatingCredentialArgs> = {}) {
  return () => {
    new RotatingCredential("cred", { ...base, ...args });
  };
}

describe("RotatingCredential", () => {
  it("generates a password keyed on the current rotation period and stores it as a secret expiring 30 days after rotation is due", async () => {
    let c!: RotatingCredential;
    const { recording, secretOutputs, outputs } = await recordProgram(() => {
      c = new RotatingCredential("cred", base);
      return { password: c.password, uri: c.secretUri };
    });
    const pw = recording.one("cred-password", "random:index/randomPassword:RandomPassword");
    expect(pw.inputs).toMatchObject({ length: 32, special: true, overrideSpecial: PASSWORD_SPECIALS, minSpecial: 2, keepers: { rotationPeriodStart: "2026-09-04T00:00:00.000Z", rotationDays: "90" } });
    expect(pw.additionalSecretOutputs).toContain("result"); // set by the random SDK; mocks still return it plain
    const secret = recording.one("cred-secret", "azure-native:keyvault:Secret");
    expect(secret.inputs).toMatchObject({
      vaultName: "kv-sqlfleet",
      secretName: "pg-admin",
      properties: { attributes: { enabled: true, notBefore: Date.UTC(2026, 8, 4) / 1000, expires: Date.UTC(2027, 0, 2) / 1000 } },
      tags: { "rotation-days": "90", "next-rotation": "2026-12-03" },
    });
    expect(secret.inputs.properties).toMatchObject({ value: pw.outputs.result });
    expect(secret.secretPaths).toEqual(["properties.value"]);
    expect(secret.parent).toBe(recording.one("cred", "sqlfleet:security:RotatingCredential").urn);
    expect(secretOutputs).toContain("password");
    expect(outputs.password).toBe(pw.outputs.result);
    expect(outputs.uri).toBe("https://kv-sqlfleet.vault.azure.net/secrets/pg-admin");
    expect(c.issuedOn).toBe("2026-09-04T00:00:00.000Z");
    expect(c.nextRotationOn).toBe("2026-12-03T00:00:00.000Z");
    expect(c.expiresOn).toBe("2027-01-02T00:00:00.000Z");
  });

  it("rotates by time alone: the same period keeps the password's keepers, the next period changes them", async () => {
    const keepers = async (now: Date) => {
      const { recording } = await recordProgram(() => {
        new RotatingCredential("cred", { ...base, now });
      });
      const r = recording.one("cred-password", "random:index/randomPassword:RandomPassword");
      return { keepers: r.inputs.keepers, expires: (recording.one("cred-secret").inputs.properties as { attributes: { expires: number } }).attributes.expires };
    };
    const early = await keepers(new Date("2026-09-04T00:00:00Z"));
    const late = await keepers(new Date("2026-12-02T23:59:59Z"));
    const next = await keepers(new Date("2026-12-03T00:00:00Z"));
    expect(late).toEqual(early);
    expect(next.keepers).toEqual({ rotationPeriodStart: "2026-12-03T00:00:00.000Z", rotationDays: "90" });
    expect(next.expires).toBe(Date.UTC(2027, 3, 2) / 1000); // 2026-12-03 + 90 + 30 days
  });

  it("keeps the password secret without a vault too", async () => {
    const { secretOutputs, recording } = await recordProgram(() => {
      const c = new RotatingCredential("cred", { now: NOW });
      return { password: c.password };
    });
    expect(secretOutputs).toEqual(["password"]);
    expect(recording.ofType("azure-native:keyvault:Secret")).toEqual([]);
  });

  it("stays secret when the password flows into a server", async () => {
    const { recording } = await recordProgram(async () => {
      const c = new RotatingCredential("cred", base);
      expect(await pulumi.isSecret(c.password)).toBe(true);
    });
    expect(recording.one("cred-secret").secretPaths).toEqual(["properties.value"]);
  });

  describe("validation", () => {
    it("rejects a short password", () => expectValidationError(credential({ length: 8 }), ["RotatingCredential", '"cred"', "length", "8", "16 to 128"]));
    it("rejects a rotation period over a year", () => expectValidationError(credential({ rotationDays: 400 }), ["rotationDays", "400", "7 to 365"]));
    it("rejects a rotation period under a week", () => expectValidationError(credential({ rotationDays: 3 }), ["rotationDays", "3", "7 to 365"]));
    it("rejects an invalid clock", () => expectValidationError(credential({ now: new Date("not a date") }), ["now", "valid date"]));
    it("rejects an invalid secret name", () => expectValidationError(credential({ secretName: "pg_admin" }), ["secretName", "pg_admin"]));
  });
});
