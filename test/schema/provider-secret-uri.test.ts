// The DatabaseSchema password path reads the current version of a Key Vault secret through its versionless URI at
// run time: check accepts only such URIs, the session connects (real embedded PostgreSQL) with the value the reader
// returns now, and the program registers no password at all. The reader here stands in for Key Vault (no Azure
// here); the production reader is @azure/keyvault-secrets' SecretClient.getSecret(name) without a version.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openSession } from "../../schema/provider/connect";
import { checkInputs } from "../../schema/provider/inputs";
import { parseSecretUri } from "../../schema/provider/secret-uri";
import { createTestDatabase, type TestDatabase } from "../support/postgres";
import { recordSchemaResource } from "./provider-text";

const URI = "https://kv-sqlfdev-dev.vault.azure.net/secrets/pg-admin";
const base = { serverFqdn: "psql-x.postgres.database.azure.com", databaseName: "edfi_dms", engine: "postgres", migrationSet: "fhir-partitioning", authentication: "password", user: "runner" };

describe("passwordSecretUri in check", () => {
  it("accepts a versionless secret URI instead of a password", () => {
    expect(checkInputs({ ...base, passwordSecretUri: URI })).toEqual([]);
    expect(checkInputs({ ...base, passwordSecretUri: `${URI}/` })).toEqual([]);
  });
  it("refuses a versioned URI (it would pin the old password), naming the field", () => {
    const f = checkInputs({ ...base, passwordSecretUri: `${URI}/0123456789abcdef0123456789abcdef` });
    expect(f).toEqual([{ property: "passwordSecretUri", reason: expect.stringContaining("versionless Key Vault secret URI") }]);
  });
  it("refuses both a password and a URI, and a URI without password authentication", () => {
    expect(checkInputs({ ...base, password: "x", passwordSecretUri: URI }).map((x) => x.property)).toEqual(["passwordSecretUri"]);
    expect(checkInputs({ ...base, authentication: "entra", passwordSecretUri: URI })).toEqual([{ property: "passwordSecretUri", reason: expect.stringContaining('only used with authentication "password"') }]);
  });
  it("still requires one of them with password authentication", () => {
    expect(checkInputs(base)).toEqual([{ property: "password", reason: expect.stringContaining("passwordSecretUri") }]);
  });
  it("parses the vault URL and secret name", () => {
    expect(parseSecretUri(URI)).toEqual({ vaultUrl: "https://kv-sqlfdev-dev.vault.azure.net", name: "pg-admin" });
    expect(() => parseSecretUri("http://kv-x.vault.azure.net/secrets/a")).toThrow(/versionless/);
  });
});

describe("the program registers the URI, never a password", () => {
  it("has no password input and no secret paths; the provider requires @azure/keyvault-secrets at run time", async () => {
    const r = await recordSchemaResource({ password: undefined, passwordSecretUri: URI });
    expect(r.inputs.passwordSecretUri).toBe(URI);
    expect(r.inputs.password).toBeUndefined();
    expect(r.secretPaths).toEqual([]);
    expect(String(r.inputs.__provider)).toContain('require("@azure/keyvault-secrets")');
  });
});

describe("openSession reads the current secret version at run time", () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase("kvpw");
  });
  afterAll(async () => db?.drop());

  const inputs = () => {
    const u = new URL(db.url);
    return { serverFqdn: u.hostname, port: Number(u.port), databaseName: db.name, engine: "postgres" as const, migrationSet: "fhir-partitioning", authentication: "password" as const, user: decodeURIComponent(u.username), passwordSecretUri: URI, ssl: false };
  };

  it("connects with the value the vault holds now, asked for by the versionless URI", async () => {
    const asked: string[] = [];
    const current = decodeURIComponent(new URL(db.url).password);
    const session = await openSession(inputs(), async (uri) => (asked.push(uri), current));
    try {
      const r = await session.query<{ ok: number }>("select 1 as ok");
      expect(r.rows[0].ok).toBe(1);
    } finally {
      await session.close();
    }
    expect(asked).toEqual([URI]);
  });

  it("fails when the vault's current value is not the server's password (the URI, not an input, decides)", async () => {
    await expect(openSession(inputs(), async () => "not-the-password")).rejects.toThrow(/password authentication failed/);
  });
});
