import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { PASSWORD_SPECIALS, RotatingCredential, type RotatingCredentialArgs } from "../../components";
import { expectValidationError, recordProgram } from "../support/recorder";
import { RG } from "./fixtures";

const base: RotatingCredentialArgs = { rotationId: "2026-Q4", issuedOn: "2026-11-01", vault: { name: "kv-sqlfleet", resourceGroupName: RG }, secretName: "pg-admin" };

function credential(args: Partial<RotatingCredentialArgs> = {}) {
  return () => {
    new RotatingCredential("cred", { ...base, ...args });
  };
}

describe("RotatingCredential", () => {
  it("generates a password keyed on the rotation id and stores it as a secret with an expiry", async () => {
    let c!: RotatingCredential;
    const { recording, secretOutputs, outputs } = await recordProgram(() => {
      c = new RotatingCredential("cred", base);
      return { password: c.password, uri: c.secretUri };
    });
    const pw = recording.one("cred-password", "random:index/randomPassword:RandomPassword");
    expect(pw.inputs).toMatchObject({ length: 32, special: true, overrideSpecial: PASSWORD_SPECIALS, minSpecial: 2, keepers: { rotationId: "2026-Q4", issuedOn: "2026-11-01" } });
    expect(pw.additionalSecretOutputs).toContain("result"); // set by the random SDK; mocks still return it plain
    const secret = recording.one("cred-secret", "azure-native:keyvault:Secret");
    expect(secret.inputs).toMatchObject({
      vaultName: "kv-sqlfleet",
      secretName: "pg-admin",
      properties: { attributes: { enabled: true, notBefore: Date.UTC(2026, 10, 1) / 1000, expires: Date.UTC(2027, 0, 30) / 1000 } },
    });
    expect(secret.inputs.properties).toMatchObject({ value: pw.outputs.result });
    expect(secret.secretPaths).toEqual(["properties.value"]);
    expect(secret.parent).toBe(recording.one("cred", "sqlfleet:security:RotatingCredential").urn);
    expect(secretOutputs).toContain("password");
    expect(outputs.password).toBe(pw.outputs.result);
    expect(outputs.uri).toBe("https://kv-sqlfleet.vault.azure.net/secrets/pg-admin");
    expect(c.expiresOn).toBe("2027-01-30T00:00:00.000Z");
  });

  it("keeps the password secret without a vault too", async () => {
    const { secretOutputs, recording } = await recordProgram(() => {
      const c = new RotatingCredential("cred", { rotationId: "r1", issuedOn: "2026-01-01" });
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
    it("rejects an impossible issue date", () => expectValidationError(credential({ issuedOn: "2026-02-30" }), ["issuedOn", "2026-02-30", "calendar date"]));
    it("rejects an expiry over a year", () => expectValidationError(credential({ expiresInDays: 400 }), ["expiresInDays", "400", "1 to 365"]));
    it("rejects an empty rotation id", () => expectValidationError(credential({ rotationId: "" }), ["rotationId", "1–64"]));
    it("rejects an invalid secret name", () => expectValidationError(credential({ secretName: "pg_admin" }), ["secretName", "pg_admin"]));
  });
});
