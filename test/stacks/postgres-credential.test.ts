// The environment's password path (postgres.passwordAuth): the PostgreSQL admin password is a RotatingCredential on
// the environment's credentialRotationDays, stored in the environment's vault (which has expiry alerts) with an
// expiry; the server gets it as a secret; the versionless URI is exported for clients; nothing leaks in plain text.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { parse, stringify } from "yaml";
import { ConfigError } from "../../stacks/config/errors";
import { credentialReport } from "../../stacks/credentials";
import { Fleet } from "../../stacks/fleet-model";
import { recordStack } from "../../stacks/record-stack";

const dir = mkdtempSync(path.join(tmpdir(), "sqlfleet-pgcred-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const ROOT = path.resolve(__dirname, "../..");

/** Pulumi.dev.yaml with extra config keys, written to a scratch file. */
function devWith(extra: Record<string, unknown>): string {
  const doc = parse(readFileSync(path.join(ROOT, "Pulumi.dev.yaml"), "utf8")) as { config: Record<string, unknown> };
  const postgres = { ...(doc.config["sqlfleet:postgres"] as object), ...((extra.postgres as object | undefined) ?? {}) };
  const config = { ...doc.config, "sqlfleet:postgres": postgres, ...Object.fromEntries(Object.entries(extra).filter(([k]) => k !== "postgres").map(([k, v]) => [`sqlfleet:${k}`, v])) };
  const file = path.join(dir, `dev-${Object.keys(extra).join("-")}-${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(file, stringify({ config }));
  return file;
}

beforeEach(() => {
  vi.useFakeTimers({ toFake: ["Date"] });
  vi.setSystemTime(new Date("2026-11-15T10:00:00Z"));
});
afterEach(() => vi.useRealTimers());

describe("postgres.passwordAuth in the environment", () => {
  it("rotates the admin password every credentialRotationDays, kept in the alerted environment vault with an expiry", async () => {
    const file = devWith({ postgres: { passwordAuth: true }, credentialRotationDays: 30 });
    const { recording, outputs, secretOutputs } = await recordStack("dev", { configFile: file, fleet: new Fleet(ROOT) });
    // 30-day periods from the Unix epoch: 2026-11-15 is in 2026-11-03 .. 2026-12-03; expiry 30 days after that.
    const pw = recording.one("edfi-postgres-admin-password", "random:index/randomPassword:RandomPassword");
    expect(pw.inputs.keepers).toEqual({ rotationPeriodStart: "2026-11-03T00:00:00.000Z", rotationDays: "30" });
    const secret = recording.one("edfi-postgres-admin-secret", "azure-native:keyvault:Secret");
    expect(secret.inputs).toMatchObject({
      vaultName: "kv-sqlfdev-dev",
      secretName: "edfi-postgres-admin",
      properties: { contentType: "text/plain; PostgreSQL password of edfi_admin", attributes: { enabled: true, notBefore: Date.UTC(2026, 10, 3) / 1000, expires: Date.UTC(2027, 0, 2) / 1000 } },
    });
    expect(secret.secretPaths).toEqual(["properties.value"]);
    // The vault it lands in has the expiry topic.
    const vault = recording.one("cmk-vault", "azure-native:keyvault:Vault");
    expect(recording.one("cmk-vault-expiry-topic").inputs.source).toBe(vault.outputs.id);

    const server = recording.ofType("azure-native:dbforpostgresql:Server")[0];
    expect(server.inputs).toMatchObject({ administratorLogin: "edfi_admin", authConfig: { passwordAuth: "Enabled", activeDirectoryAuth: "Enabled" } });
    expect(server.secretPaths).toContain("administratorLoginPassword");
    expect(server.inputs.administratorLoginPassword).toBe(pw.outputs.result);

    expect(outputs.postgresAdminSecretUri).toBe("https://kv-sqlfdev-dev.vault.azure.net/secrets/edfi-postgres-admin");
    expect(secretOutputs).not.toContain("postgresAdminSecretUri");
    expect(JSON.stringify(outputs)).not.toContain(String(pw.outputs.result));
  });

  it("has no password, secret or admin login by default (the committed dev stack)", async () => {
    const { recording, outputs } = await recordStack("dev", { fleet: new Fleet(ROOT) });
    expect(recording.ofType("azure-native:keyvault:Secret")).toEqual([]);
    expect(recording.ofType("random:index/randomPassword:RandomPassword")).toEqual([]);
    expect(recording.ofType("azure-native:dbforpostgresql:Server")[0].inputs.authConfig).toMatchObject({ passwordAuth: "Disabled" });
    expect(outputs.postgresAdminSecretUri).toBeUndefined();
  });

  it("`credentials dev --config` lists the secret with its expiry and next rotation", async () => {
    const file = devWith({ postgres: { passwordAuth: true } });
    const r = await credentialReport("dev", { fleet: new Fleet(ROOT), configFile: file });
    // 90-day default: 2026-09-04 .. 2026-12-03, expires 2027-01-02.
    expect(r.credentials.filter((c) => c.kind === "secret")).toEqual([
      { stack: "dev", vault: "kv-sqlfdev-dev", kind: "secret", name: "edfi-postgres-admin", expires: "2027-01-02T00:00:00.000Z", nextRotation: "2026-12-03 (first deploy on or after)", rotation: "every 90 days (time-driven)", expiryAlerts: true },
    ]);
    expect(r.credentials.filter((c) => c.kind === "key").map((c) => c.vault)).toEqual(["kv-sqlfdev-dev", "kv-sqlfdev-dev-geo"]);
  }, 120_000);

  it("refuses a rotation period outside 7–365 days, naming the key", async () => {
    const file = devWith({ credentialRotationDays: 400 });
    await expect(recordStack("dev", { configFile: file, fleet: new Fleet(ROOT) })).rejects.toSatisfy((e: unknown) => e instanceof ConfigError && /credentialRotationDays/.test(e.message) && /365/.test(e.message));
  });
});
