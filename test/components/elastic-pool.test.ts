import { describe, expect, it } from "vitest";
import { ElasticPool, type ElasticPoolArgs, type ServerRef } from "../../components";
import { expectValidationError, recordProgram } from "../support/recorder";
import { diagnostics, RG } from "./fixtures";

const server: ServerRef = { id: "/subscriptions/s/resourceGroups/rg-data/providers/Microsoft.Sql/servers/sql-weu", name: "sql-weu", resourceGroupName: RG, location: "westeurope" };
const base: ElasticPoolArgs = { server, poolName: "pool-gp-01", edition: "GeneralPurpose", vCores: 8, diagnostics };
const GiB = 1024 ** 3;

function pool(args: Partial<ElasticPoolArgs> = {}) {
  return () => {
    new ElasticPool("ep", { ...base, ...args });
  };
}

describe("ElasticPool", () => {
  it("sizes a General Purpose pool from the limits table, zone-redundant, with per-database 0..vCores", async () => {
    let ep!: ElasticPool;
    const { recording } = await recordProgram(() => {
      ep = new ElasticPool("ep", base);
    });
    const p = recording.one("ep-pool", "azure-native:sql:ElasticPool");
    expect(p.inputs).toMatchObject({
      resourceGroupName: RG,
      serverName: "sql-weu",
      location: "westeurope",
      elasticPoolName: "pool-gp-01",
      sku: { name: "GP_Gen5", tier: "GeneralPurpose", family: "Gen5", capacity: 8 },
      maxSizeBytes: 2048 * GiB,
      perDatabaseSettings: { minCapacity: 0, maxCapacity: 8 },
      zoneRedundant: true,
    });
    expect(p.inputs.highAvailabilityReplicaCount).toBeUndefined();
    expect(p.parent).toBe(recording.one("ep", "sqlfleet:sql:ElasticPool").urn);
    expect([ep.name, ep.edition, ep.vCores, ep.maxDataGb, ep.maxDatabases, ep.zoneRedundant]).toEqual(["pool-gp-01", "GeneralPurpose", 8, 2048, 500, true]);
    const diag = recording.one("ep-diag", "azure-native:monitor:DiagnosticSetting");
    expect(diag.inputs).toMatchObject({ resourceUri: p.outputs.id, logs: [], metrics: [{ category: "AllMetrics", enabled: true }] });
  });

  it("builds a Business Critical pool with an explicit size", async () => {
    const { recording } = await recordProgram(pool({ edition: "BusinessCritical", vCores: 24, maxSizeGb: 4096, perDatabase: { minVCores: 0.5, maxVCores: 8 } }));
    expect(recording.one("ep-pool").inputs).toMatchObject({
      sku: { name: "BC_Gen5", tier: "BusinessCritical", family: "Gen5", capacity: 24 },
      maxSizeBytes: 4096 * GiB,
      perDatabaseSettings: { minCapacity: 0.5, maxCapacity: 8 },
    });
  });

  it("builds a Hyperscale pool with one HA replica and no max size", async () => {
    let ep!: ElasticPool;
    const { recording } = await recordProgram(() => {
      ep = new ElasticPool("ep", { ...base, edition: "Hyperscale", vCores: 16 });
    });
    const p = recording.one("ep-pool");
    expect(p.inputs).toMatchObject({ sku: { name: "HS_Gen5", tier: "Hyperscale", capacity: 16 }, highAvailabilityReplicaCount: 1, zoneRedundant: false });
    expect(p.inputs.maxSizeBytes).toBeUndefined();
    expect(ep.maxDatabases).toBe(25);
  });

  it("creates storage and CPU metric alerts on the pool", async () => {
    const { recording } = await recordProgram(pool({ alerts: { resourceGroupName: RG, storagePercent: 85, actionGroupId: "/ag/ops" } }));
    const p = recording.one("ep-pool");
    const storage = recording.one("ep-storage-alert", "azure-native:monitor:MetricAlert");
    expect(storage.inputs).toMatchObject({
      scopes: [p.outputs.id],
      severity: 2,
      enabled: true,
      targetResourceType: "Microsoft.Sql/servers/elasticPools",
      criteria: { allOf: [{ metricName: "storage_percent", operator: "GreaterThan", threshold: 85, timeAggregation: "Maximum" }] },
      actions: [{ actionGroupId: "/ag/ops" }],
    });
    const cpu = recording.one("ep-cpu-alert", "azure-native:monitor:MetricAlert");
    expect(cpu.inputs).toMatchObject({ criteria: { allOf: [{ metricName: "cpu_percent", threshold: 80, timeAggregation: "Average" }] } });
  });

  describe("validation", () => {
    it("rejects 30 vCores for a Business Critical pool", () =>
      expectValidationError(pool({ edition: "BusinessCritical", vCores: 30 }), ["ElasticPool", '"ep"', "vCores", "30", "4, 6, 8", "BusinessCritical"]));
    it("rejects a max size above the size's limit", () =>
      expectValidationError(pool({ vCores: 8, maxSizeGb: 4096 }), ["maxSizeGb", "4096", "1 to 2048"]));
    it("rejects a max size on a Hyperscale pool", () =>
      expectValidationError(pool({ edition: "Hyperscale", vCores: 8, maxSizeGb: 100 }), ["maxSizeGb", "Hyperscale"]));
    it("rejects per-database vCores above the pool size", () =>
      expectValidationError(pool({ perDatabase: { minVCores: 0, maxVCores: 12 } }), ["perDatabase.maxVCores", "12", "8 vCores"]));
    it("rejects HA replicas on a General Purpose pool", () =>
      expectValidationError(pool({ haReplicas: 1 }), ["haReplicas", "only for Hyperscale"]));
    it("rejects more than four Hyperscale HA replicas", () =>
      expectValidationError(pool({ edition: "Hyperscale", haReplicas: 5 }), ["haReplicas", "5", "0 to 4"]));
    it("rejects an alert threshold above 100%", () =>
      expectValidationError(pool({ alerts: { resourceGroupName: RG, cpuPercent: 120 } }), ["alerts.cpuPercent", "120", "1% to 100%"]));
    it("rejects an invalid pool name", () =>
      expectValidationError(pool({ poolName: "pool/1" }), ["poolName", "pool/1"]));
  });
});
