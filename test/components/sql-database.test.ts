import { describe, expect, it } from "vitest";
import { CustomerManagedKey, SqlDatabase, type PoolRef, type ServerRef, type SqlDatabaseArgs } from "../../components";
import { expectValidationError, recordProgram } from "../support/recorder";
import { diagnostics, RG } from "./fixtures";

const server: ServerRef = { id: "/subscriptions/s/resourceGroups/rg-data/providers/Microsoft.Sql/servers/sql-weu", name: "sql-weu", resourceGroupName: RG, location: "westeurope" };
const gp32: PoolRef = { id: "/subscriptions/s/resourceGroups/rg-data/providers/Microsoft.Sql/servers/sql-weu/elasticPools/pool-gp-32", name: "pool-gp-32", edition: "GeneralPurpose", vCores: 32 };
const gp8: PoolRef = { ...gp32, name: "pool-gp-8", vCores: 8 };
const pooled: SqlDatabaseArgs = { server, databaseName: "contoso-fhir", placement: { kind: "pool", pool: gp32, maxSizeGb: 1024 }, diagnostics };
const hyperscale: SqlDatabaseArgs = { server, databaseName: "contoso-dicom", placement: { kind: "hyperscale", vCores: 8 }, diagnostics };
const GiB = 1024 ** 3;

function db(args: Partial<SqlDatabaseArgs>, from: SqlDatabaseArgs = pooled) {
  return () => {
    new SqlDatabase("db", { ...from, ...args });
  };
}

describe("SqlDatabase", () => {
  it("places a pooled database in the pool with its max size and GeoZone backups, inheriting zone redundancy", async () => {
    const { recording } = await recordProgram(db({}));
    const d = recording.one("db-db", "azure-native:sql:Database");
    expect(d.inputs).toMatchObject({
      resourceGroupName: RG,
      serverName: "sql-weu",
      location: "westeurope",
      databaseName: "contoso-fhir",
      elasticPoolId: gp32.id,
      maxSizeBytes: 1024 * GiB,
      requestedBackupStorageRedundancy: "GeoZone",
      collation: "SQL_Latin1_General_CP1_CI_AS",
    });
    expect(d.inputs.sku).toBeUndefined();
    expect(d.inputs.zoneRedundant).toBeUndefined();
    expect(d.inputs.highAvailabilityReplicaCount).toBeUndefined();
    expect(d.protect).toBe(true);
    expect(d.replaceOnChanges).toEqual([]);
    expect(d.parent).toBe(recording.one("db", "sqlfleet:sql:SqlDatabase").urn);
  });

  it("allows a 4 TB database in a 32-vCore General Purpose pool", async () => {
    const { recording } = await recordProgram(db({ placement: { kind: "pool", pool: gp32, maxSizeGb: 4096 } }));
    expect(recording.one("db-db").inputs.maxSizeBytes).toBe(4096 * GiB);
  });

  it("sets TDE, 35-day short-term and weekly/monthly/yearly long-term retention, and diagnostics", async () => {
    const { recording } = await recordProgram(db({}));
    const d = recording.one("db-db");
    const tde = recording.one("db-tde", "azure-native:sql:TransparentDataEncryption");
    expect(tde.inputs).toMatchObject({ serverName: "sql-weu", databaseName: "contoso-fhir", tdeName: "current", state: "Enabled" });
    expect(recording.dependsOnUrns(tde)).toContain(d.urn);
    expect(recording.one("db-str", "azure-native:sql:BackupShortTermRetentionPolicy").inputs).toMatchObject({
      databaseName: "contoso-fhir",
      policyName: "default",
      retentionDays: 35,
      diffBackupIntervalInHours: 12,
    });
    expect(recording.one("db-ltr", "azure-native:sql:LongTermRetentionPolicy").inputs).toMatchObject({
      weeklyRetention: "P12W",
      monthlyRetention: "P12M",
      yearlyRetention: "P10Y",
      weekOfYear: 1,
    });
    expect(recording.one("db-diag", "azure-native:monitor:DiagnosticSetting").inputs).toMatchObject({
      resourceUri: d.outputs.id,
      logs: [{ categoryGroup: "allLogs", enabled: true }],
      metrics: [{ category: "AllMetrics", enabled: true }],
    });
  });

  it("creates a zone-redundant Hyperscale database with one HA replica, fixed at create", async () => {
    const { recording } = await recordProgram(db({}, hyperscale));
    const d = recording.one("db-db");
    expect(d.inputs).toMatchObject({
      sku: { name: "HS_Gen5_8", tier: "Hyperscale", family: "Gen5", capacity: 8 },
      highAvailabilityReplicaCount: 1,
      zoneRedundant: true,
      requestedBackupStorageRedundancy: "GeoZone",
    });
    expect(d.inputs.elasticPoolId).toBeUndefined();
    expect(d.inputs.maxSizeBytes).toBeUndefined();
    expect(d.replaceOnChanges).toEqual(["zoneRedundant", "requestedBackupStorageRedundancy"]);
    expect(recording.one("db-str").inputs.diffBackupIntervalInHours).toBeUndefined();
  });

  it("creates a serverless Hyperscale database", async () => {
    const { recording } = await recordProgram(db({ placement: { kind: "hyperscale", vCores: 4, serverless: { minVCores: 0.5 }, haReplicas: 2 } }, hyperscale));
    expect(recording.one("db-db").inputs).toMatchObject({
      sku: { name: "HS_S_Gen5_4", tier: "Hyperscale", capacity: 4 },
      minCapacity: 0.5,
      autoPauseDelay: -1,
      highAvailabilityReplicaCount: 2,
    });
  });

  it("applies a per-database CMK at create with auto-rotation and waits for the key's role assignment", async () => {
    const { recording } = await recordProgram(() => {
      const cmk = new CustomerManagedKey("cmk", { resourceGroupName: RG, location: "westeurope", tenantId: "11111111-1111-1111-1111-111111111111" });
      new SqlDatabase("db", { ...pooled, databaseCmk: cmk });
    });
    const d = recording.one("db-db");
    const uami = recording.one("cmk-identity");
    expect(d.inputs).toMatchObject({
      identity: { type: "UserAssigned", userAssignedIdentities: [uami.outputs.id] },
      encryptionProtector: recording.one("cmk-key").outputs.keyUri,
      encryptionProtectorAutoRotation: true,
    });
    expect(d.dependencies).toContain(recording.one("cmk-crypto-user").urn);
  });

  it("allows Local backups only with the explicit opt-in, and long-term retention can be turned off", async () => {
    const { recording } = await recordProgram(db({ backupRedundancy: "Local", allowLocalBackupRedundancy: true, longTermRetention: false }));
    expect(recording.one("db-db").inputs.requestedBackupStorageRedundancy).toBe("Local");
    expect(recording.ofType("azure-native:sql:LongTermRetentionPolicy")).toEqual([]);
  });

  it("deprovision lifts protection", async () => {
    const { recording } = await recordProgram(db({ deprovision: true }));
    expect(recording.one("db-db").protect).toBe(false);
  });

  describe("validation", () => {
    it("rejects a 5 TB pooled database", () =>
      expectValidationError(db({ placement: { kind: "pool", pool: gp32, maxSizeGb: 5120 } }), ["SqlDatabase", '"db"', "placement.maxSizeGb", "5120", "1 to 4096 GB", "Hyperscale"]));
    it("rejects a database larger than a small pool allows", () =>
      expectValidationError(db({ placement: { kind: "pool", pool: gp8, maxSizeGb: 3000 } }), ["placement.maxSizeGb", "3000", "1 to 2048 GB", "8 vCores"]));
    it("rejects Local backup redundancy without the explicit opt-in", () =>
      expectValidationError(db({ backupRedundancy: "Local" }), ["backupRedundancy", '"Local"', "allowLocalBackupRedundancy"]));
    it("rejects short-term retention of 0 days", () =>
      expectValidationError(db({ shortTermRetentionDays: 0 }), ["shortTermRetentionDays", "0", "1 to 35"]));
    it("rejects short-term retention of 36 days", () =>
      expectValidationError(db({ shortTermRetentionDays: 36 }), ["shortTermRetentionDays", "36", "1 to 35"]));
    it("rejects zone redundancy set on a pooled database", () =>
      expectValidationError(db({ zoneRedundant: true }), ["zoneRedundant", "inherit the pool"]));
    it("rejects a zone-redundant Hyperscale database without HA replicas", () =>
      expectValidationError(db({ placement: { kind: "hyperscale", vCores: 8, haReplicas: 0 } }, hyperscale), ["placement.haReplicas", "0", "at least 1"]));
    it("rejects a zone-redundant Hyperscale database with Geo backups", () =>
      expectValidationError(db({ backupRedundancy: "Geo" }, hyperscale), ["backupRedundancy", '"Geo"', "Zone", "GeoZone"]));
    it("rejects an unsupported Hyperscale vCore count", () =>
      expectValidationError(db({ placement: { kind: "hyperscale", vCores: 7 } }, hyperscale), ["placement.vCores", "7", "2, 4, 6"]));
    it("rejects a Hyperscale size above the Hyperscale bound", () =>
      expectValidationError(db({ placement: { kind: "hyperscale", vCores: 8, maxSizeGb: 200 * 1024 } }, hyperscale), ["placement.maxSizeGb", "204800", "1 to 102400"]));
    it("rejects a malformed long-term retention duration", () =>
      expectValidationError(db({ longTermRetention: { weekly: "12 weeks" } }), ["longTermRetention.weekly", "12 weeks", "ISO-8601"]));
    it("rejects differential backup hours on Hyperscale", () =>
      expectValidationError(db({ differentialBackupHours: 12 }, hyperscale), ["differentialBackupHours", "Hyperscale"]));
    it("rejects a system database name", () => expectValidationError(db({ databaseName: "master" }), ["databaseName", "master", "system"]));
  });
});
