// Sweeps a whole environment built from the components (both regions, pools, a workspace with a failover group,
// PostgreSQL with a rotating credential) for the invariants that must hold for every resource, not just one.
import { describe, expect, it } from "vitest";
import { CustomerManagedKey, ElasticPool, Monitoring, PostgresServer, RotatingCredential, SqlServer, Workspace } from "../../components";
import { recordProgram, type RecordedResource } from "../support/recorder";
import { entraAdmin, RG, SUBNET_ID, TENANT } from "./fixtures";

async function environment() {
  return recordProgram(() => {
    const mon = new Monitoring("mon", { resourceGroupName: RG, location: "westeurope" });
    const d = mon.diagnostics;
    const cmk = new CustomerManagedKey("cmk", { resourceGroupName: RG, location: "westeurope", tenantId: TENANT, diagnostics: d });
    const cmkGeo = new CustomerManagedKey("cmk-neu", { resourceGroupName: RG, location: "northeurope", tenantId: TENANT, diagnostics: d });
    const p = new SqlServer("sql-weu", { resourceGroupName: RG, location: "westeurope", entraAdmin, cmk, diagnostics: d, privateAccess: { subnetId: SUBNET_ID } });
    const s = new SqlServer("sql-neu", { resourceGroupName: RG, location: "northeurope", entraAdmin, cmk, diagnostics: d });
    const alerts = { resourceGroupName: RG };
    const pool = new ElasticPool("pool-weu", { server: p, poolName: "pool-gp-01", edition: "GeneralPurpose", vCores: 32, diagnostics: d, alerts });
    const poolDr = new ElasticPool("pool-neu", { server: s, poolName: "pool-gp-01", edition: "GeneralPurpose", vCores: 32, diagnostics: d });
    new Workspace("contoso", {
      customerId: "contoso",
      server: p,
      databases: { fhir: { kind: "pool", pool, maxSizeGb: 2048 }, dicom: { kind: "hyperscale", vCores: 8, serverless: { minVCores: 1 } } },
      failover: { secondary: s, secondaryPoolNames: [poolDr.name], groupName: "fog-test-contoso", primaryKey: cmk },
      diagnostics: d,
      alerts,
    });
    const cred = new RotatingCredential("pg-admin-pw", { now: new Date("2026-11-01T00:00:00Z"), vault: { name: cmk.vaultName, resourceGroupName: RG } });
    new PostgresServer("pg", {
      resourceGroupName: RG,
      location: "westeurope",
      skuName: "Standard_D4ds_v5",
      tier: "GeneralPurpose",
      entraAdmin,
      passwordAuth: true,
      passwordAdmin: { login: "edfi_admin", password: cred.password },
      cmk: { primary: cmk, geoBackup: cmkGeo },
      network: { privateAccess: { subnetId: SUBNET_ID } },
      parameters: { require_secure_transport: "on" },
      diagnostics: d,
    });
  });
}

/** Dotted paths of inputs whose name says they carry a credential (and Key Vault secret values). */
function credentialPaths(value: unknown, path = ""): string[] {
  if (Array.isArray(value)) return value.flatMap((v, i) => credentialPaths(v, `${path}[${i}]`));
  if (typeof value !== "object" || value === null) return [];
  return Object.entries(value).flatMap(([k, v]) => {
    const p = path ? `${path}.${k}` : k;
    const own = (/(password|connectionstring|accesskey)$/i.test(k) || p === "properties.value") && typeof v === "string" ? [p] : [];
    return [...own, ...credentialPaths(v, p)];
  });
}

describe("secure defaults across a whole environment", () => {
  it("marks every password, connection string and secret value as a Pulumi secret", async () => {
    const { recording } = await environment();
    const checked: string[] = [];
    for (const r of recording.resources) {
      for (const p of credentialPaths(r.inputs)) {
        expect(r.secretPaths, `${r.name}: ${p}`).toContain(p);
        checked.push(`${r.name}:${p}`);
      }
    }
    // The sweep must have found the credentials it is meant to guard.
    expect(checked).toEqual(expect.arrayContaining(["pg-server:administratorLoginPassword", "pg-admin-pw-secret:properties.value"]));
  });

  it("protects every data-bearing resource and retains keys and vaults", async () => {
    const { recording } = await environment();
    const dataTypes = ["azure-native:sql:Server", "azure-native:sql:Database", "azure-native:sql:FailoverGroup", "azure-native:dbforpostgresql:Server", "azure-native:keyvault:Vault", "azure-native:keyvault:Key"];
    const data = recording.resources.filter((r) => dataTypes.includes(r.type));
    expect(new Set(data.map((r) => r.type))).toEqual(new Set(dataTypes));
    for (const r of data) expect(r.protect, r.name).toBe(true);
    for (const r of [...recording.ofType("azure-native:keyvault:Vault"), ...recording.ofType("azure-native:keyvault:Key")]) {
      expect(recording.effectiveRetainOnDelete(r), r.name).toBe(true);
    }
  });

  it("sends every database, pool, vault and PG server to Log Analytics and every server's audit through master", async () => {
    const { recording } = await environment();
    const targets = new Set(recording.ofType("azure-native:monitor:DiagnosticSetting").map((d) => String(d.inputs.resourceUri)));
    const watched = ["azure-native:sql:Database", "azure-native:sql:ElasticPool", "azure-native:keyvault:Vault", "azure-native:dbforpostgresql:Server"];
    for (const r of recording.resources.filter((x) => watched.includes(x.type))) expect(targets, r.name).toContain(String(r.outputs.id));
    for (const s of recording.ofType("azure-native:sql:Server")) expect(targets, s.name).toContain(`${String(s.outputs.id)}/databases/master`);
  });

  it("never uses local-only backups, keeps servers private on TLS 1.2 with Entra-only and CMK", async () => {
    const { recording } = await environment();
    for (const db of recording.ofType("azure-native:sql:Database")) expect(db.inputs.requestedBackupStorageRedundancy, db.name).toBe("GeoZone");
    for (const s of recording.ofType("azure-native:sql:Server")) {
      expect(s.inputs, s.name).toMatchObject({ minimalTlsVersion: "1.2", publicNetworkAccess: "Disabled", administrators: { azureADOnlyAuthentication: true } });
      expect(String(s.inputs.keyId)).toMatch(/^https:\/\/[^/]+\.vault\.azure\.net\/keys\/[^/]+$/); // versionless
    }
  });

  it("creates things in a safe order: key access before servers, the secondary's key before the failover group", async () => {
    const { recording } = await environment();
    const order = recording.topologicalOrder().map((r: RecordedResource) => r.name);
    const before = (a: string, b: string) => expect(order.indexOf(a), `${a} before ${b}`).toBeLessThan(order.indexOf(b));
    before("cmk-crypto-user", "sql-weu-server");
    before("cmk-crypto-user", "sql-neu-server");
    before("sql-weu-server-key", "sql-weu-protector");
    before("sql-weu-entra-admin", "sql-weu-entra-only");
    before("contoso-failover-secondary-key", "contoso-failover-fog");
    before("contoso-fhir-db", "contoso-failover-fog");
    before("pg-entra-admin", "pg-param-require-secure-transport");
  });
});
