// The real stack programs under the mock recorder: environment and customer stacks, wired through the
// StackReference, with the properties that matter asserted concretely.
import { describe, expect, it } from "vitest";
import stackEntry from "../../stacks/index";
import { expectValidationError } from "../support/recorder";
import { rawFromConfigMap } from "../../stacks/config/shared";
import { readConfigMap, stackFilePath } from "../../stacks/fleet";
import { stackProgram } from "../../stacks/program";
import { environmentOutputs, recordStack } from "../../stacks/record-stack";

const GB = 1024 ** 3;

describe("environment stack (prod)", () => {
  it("builds primary and paired secondary servers with same-name pools, CMK and private access, and exports plain values", async () => {
    const { recording, outputs } = await recordStack("prod");
    const servers = recording.ofType("azure-native:sql:Server");
    expect(servers.map((s) => [s.inputs.serverName, s.inputs.location])).toEqual([
      ["sql-sqlfprod-prod-eastus2", "eastus2"],
      ["sql-sqlfprod-prod-centralus", "centralus"],
    ]);
    for (const s of servers) {
      expect(s.inputs.publicNetworkAccess).toBe("Disabled");
      expect(s.inputs.keyId).toBe("https://kv-sqlfprod-prod.vault.azure.net/keys/cmk-key");
      expect(s.protect).toBe(true);
    }
    const pools = recording.ofType("azure-native:sql:ElasticPool");
    const byServer = (name: string) => pools.filter((p) => p.inputs.serverName === name).map((p) => p.inputs.elasticPoolName);
    expect(byServer("sql-sqlfprod-prod-eastus2")).toEqual(["gp-01", "gp-02", "bc-01"]);
    expect(byServer("sql-sqlfprod-prod-centralus")).toEqual(["gp-01", "gp-02", "bc-01"]);
    const bc = pools.find((p) => p.inputs.elasticPoolName === "bc-01")!;
    expect(bc.inputs.sku).toMatchObject({ name: "BC_Gen5", tier: "BusinessCritical", capacity: 24 });
    expect(bc.inputs.maxSizeBytes).toBe(4096 * GB);
    const key = recording.one("cmk-key", "azure-native:keyvault:Key");
    expect(recording.effectiveRetainOnDelete(key)).toBe(true);
    expect(recording.ofType("azure-native:network:PrivateEndpoint").length).toBeGreaterThanOrEqual(3);
    expect(outputs).toMatchObject({
      environment: "prod",
      location: "eastus2",
      secondaryLocation: "centralus",
      failoverGracePeriodMinutes: 60,
      backupRedundancy: "GeoZone",
      primaryServer: { name: "sql-sqlfprod-prod-eastus2", location: "eastus2", fqdn: "sql-sqlfprod-prod-eastus2.database.windows.net" },
    });
    const pooled = outputs.pools as { name: string; maxDataGb: number; id: string; secondaryId: string }[];
    expect(pooled.map((p) => [p.name, p.maxDataGb])).toEqual([["gp-01", 4096], ["gp-02", 4096], ["bc-01", 4096]]);
    expect(pooled[0].id).toMatch(/servers\/sql-sqlfprod-prod-eastus2\/elasticPools\/gp-01$/);
    expect(pooled[0].secondaryId).toMatch(/servers\/sql-sqlfprod-prod-centralus\/elasticPools\/gp-01$/);
  });

  it("the Pulumi entry exports a function and creates nothing at import time", () => {
    // Imported statically above, outside any Pulumi run: the entry is a function the engine calls, nothing more.
    expect(typeof stackEntry).toBe("function");
  });

  it("an invalid config registers nothing", async () => {
    const raw = { ...rawFromConfigMap(readConfigMap(stackFilePath("prod"))), region: "atlantis" };
    await expectValidationError(() => stackProgram("prod", raw), ["stack prod", "sqlfleet:region", '"atlantis"'], { stack: "prod" });
  });
});

describe("customer stacks", () => {
  it("prod-fortis: pooled databases in the environment's pools, one failover group to the paired region", async () => {
    const { recording, outputs } = await recordStack("prod-fortis");
    const env = await environmentOutputs("prod");
    const pools = env.pools as { name: string; id: string }[];
    const dbs = recording.ofType("azure-native:sql:Database");
    expect(dbs.map((d) => [d.inputs.databaseName, d.inputs.elasticPoolId, d.inputs.maxSizeBytes])).toEqual([
      ["fortis-fhir", pools.find((p) => p.name === "gp-01")!.id, 608 * GB],
      ["fortis-dicom", pools.find((p) => p.name === "gp-02")!.id, 2944 * GB],
    ]);
    for (const d of dbs) {
      expect(d.inputs.serverName).toBe("sql-sqlfprod-prod-eastus2");
      expect(d.inputs.requestedBackupStorageRedundancy).toBe("GeoZone");
      expect(d.inputs.collation).toBe("SQL_Latin1_General_CP1_CI_AS");
      expect(d.protect).toBe(true);
    }
    // Its Pulumi name follows the Workspace (fortis-failover-fog); the alias keeps its old URN (workspace-aliases.test.ts).
    const fog = recording.one("fortis-failover-fog", "azure-native:sql:FailoverGroup");
    expect(fog.inputs.failoverGroupName).toBe("fog-sqlfprod-prod-fortis");
    expect(fog.inputs.databases).toEqual(dbs.map((d) => d.outputs.id));
    expect((fog.inputs.partnerServers as { id: string }[])[0].id).toMatch(/servers\/sql-sqlfprod-prod-centralus$/);
    expect(fog.inputs.readWriteEndpoint).toMatchObject({ failoverPolicy: "Automatic", failoverWithDataLossGracePeriodMinutes: 60 });
    expect(outputs).toMatchObject({ customer: "fortis", readWriteEndpoint: "fog-sqlfprod-prod-fortis.database.windows.net", failoverGroup: "fog-sqlfprod-prod-fortis" });
    // The FHIR partition schema: one DatabaseSchema on the FHIR database only, Entra auth, retained, after the group.
    const [schema, ...more] = recording.ofType("pulumi-nodejs:dynamic/sqlfleet:DatabaseSchema");
    expect(more).toEqual([]);
    expect(schema.inputs).toMatchObject({ serverFqdn: "sql-sqlfprod-prod-eastus2.database.windows.net", databaseName: "fortis-fhir", engine: "mssql", migrationSet: "fhir-partitioning", authentication: "entra" });
    expect(schema.inputs.password).toBeUndefined();
    expect(recording.effectiveRetainOnDelete(schema)).toBe(true);
    // dependsOn a component waits for its custom children: the database itself and the failover group.
    const deps = recording.dependsOnUrns(schema);
    expect(deps.has(fog.urn)).toBe(true);
    expect(deps.has(dbs[0].urn)).toBe(true);
  });

  it("prod-cigna: a 50 TB FHIR database in Hyperscale with a per-database key", async () => {
    const { recording } = await recordStack("prod-cigna");
    const db = recording.one("cigna-fhir-db", "azure-native:sql:Database");
    expect(db.inputs.sku).toEqual({ name: "HS_Gen5_32", tier: "Hyperscale", family: "Gen5", capacity: 32 });
    expect(db.inputs.elasticPoolId).toBeUndefined();
    expect(db.inputs.highAvailabilityReplicaCount).toBe(2);
    expect(db.inputs.zoneRedundant).toBe(true);
    expect(db.inputs.encryptionProtector).toMatch(/^https:\/\/kvsqlfprod[0-9a-f]{8}\.vault\.azure\.net\/keys\/cigna-cmk-key$/);
    const vault = recording.ofType("azure-native:keyvault:Vault")[0];
    expect(recording.effectiveRetainOnDelete(vault)).toBe(true);
  });

  it("deprovision: true lifts protection on the workspace's databases", async () => {
    const file = `${require("node:os").tmpdir()}/Pulumi.prod-fortis.deprovision.yaml`;
    const { readFileSync, writeFileSync } = require("node:fs") as typeof import("node:fs");
    writeFileSync(file, readFileSync(stackFilePath("prod-fortis"), "utf8").replace("config:\n", "config:\n  sqlfleet:deprovision: true\n"));
    const { recording } = await recordStack("prod-fortis", { configFile: file });
    const dbs = recording.ofType("azure-native:sql:Database");
    expect(dbs.map((d) => d.protect)).toEqual([false, false]);
  });

  it("a pooled database above its pool's maximum is refused before anything is registered", async () => {
    const file = `${require("node:os").tmpdir()}/Pulumi.prod-fortis.too-big.yaml`;
    const { readFileSync, writeFileSync } = require("node:fs") as typeof import("node:fs");
    writeFileSync(file, readFileSync(stackFilePath("prod-fortis"), "utf8").replace("maxSizeGb: 2944", "maxSizeGb: 5000"));
    await expect(recordStack("prod-fortis", { configFile: file })).rejects.toThrow(/sqlfleet:dicom.placement.maxSizeGb = 5000: allowed range 1..4096 GB in pool gp-02/);
  });
});
