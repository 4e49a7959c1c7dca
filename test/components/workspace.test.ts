import { describe, expect, it } from "vitest";
import { Workspace, type PoolRef, type ServerRef, type WorkspaceArgs } from "../../components";
import { expectValidationError, recordProgram } from "../support/recorder";
import { diagnostics, RG } from "./fixtures";

const primary: ServerRef = { id: "/subscriptions/s/resourceGroups/rg-data/providers/Microsoft.Sql/servers/sql-weu", name: "sql-weu", resourceGroupName: RG, location: "westeurope", fqdn: "sql-weu.database.windows.net" };
const secondary: ServerRef = { id: "/subscriptions/s/resourceGroups/rg-data/providers/Microsoft.Sql/servers/sql-neu", name: "sql-neu", resourceGroupName: RG, location: "northeurope" };
const pool: PoolRef = { id: `${primary.id}/elasticPools/pool-gp-01`, name: "pool-gp-01", edition: "GeneralPurpose", vCores: 32 };
const base: WorkspaceArgs = {
  customerId: "contoso",
  server: primary,
  databases: { fhir: { kind: "pool", pool, maxSizeGb: 1024 }, dicom: { kind: "hyperscale", vCores: 8 } },
  failover: { secondary, secondaryPoolNames: ["pool-gp-01"], groupName: "fog-prod-contoso" },
  diagnostics,
  tags: { environment: "prod" },
};

function workspace(args: Partial<WorkspaceArgs> = {}) {
  return () => {
    new Workspace("ws", { ...base, ...args });
  };
}

describe("Workspace", () => {
  it("places FHIR in the given pool and DICOM as Hyperscale, both in a per-customer failover group", async () => {
    let ws!: Workspace;
    const { recording, outputs } = await recordProgram(() => {
      ws = new Workspace("ws", base);
      return { rw: ws.readWriteEndpoint, ro: ws.readOnlyEndpoint };
    });
    const fhir = recording.one("ws-fhir-db", "azure-native:sql:Database");
    const dicom = recording.one("ws-dicom-db", "azure-native:sql:Database");
    expect(fhir.inputs).toMatchObject({ databaseName: "contoso-fhir", serverName: "sql-weu", elasticPoolId: pool.id, maxSizeBytes: 1024 * 1024 ** 3, requestedBackupStorageRedundancy: "GeoZone" });
    expect(dicom.inputs).toMatchObject({ databaseName: "contoso-dicom", sku: { name: "HS_Gen5_8", tier: "Hyperscale" }, zoneRedundant: true, highAvailabilityReplicaCount: 1 });
    expect(fhir.inputs.tags).toEqual({ "managed-by": "sqlfleet", environment: "prod", customer: "contoso", workload: "fhir" });
    const fog = recording.one("ws-failover-fog", "azure-native:sql:FailoverGroup");
    expect(fog.inputs).toMatchObject({
      failoverGroupName: "fog-prod-contoso",
      serverName: "sql-weu",
      partnerServers: [{ id: secondary.id }],
      databases: [fhir.outputs.id, dicom.outputs.id],
      readWriteEndpoint: { failoverPolicy: "Automatic", failoverWithDataLossGracePeriodMinutes: 60 },
    });
    expect(outputs).toEqual({ rw: "fog-prod-contoso.database.windows.net", ro: "fog-prod-contoso.secondary.database.windows.net" });
    expect(ws.customerId).toBe("contoso");
  });

  it("nests databases and the failover group under the workspace and protects data", async () => {
    const { recording } = await recordProgram(workspace());
    const ws = recording.one("ws", "sqlfleet:workspace:Workspace");
    const fhirComponent = recording.one("ws-fhir", "sqlfleet:sql:SqlDatabase");
    expect(fhirComponent.parent).toBe(ws.urn);
    expect(recording.one("ws-dicom", "sqlfleet:sql:SqlDatabase").parent).toBe(ws.urn);
    expect(recording.one("ws-failover", "sqlfleet:sql:FailoverGroup").parent).toBe(ws.urn);
    expect(recording.one("ws-fhir-db").parent).toBe(fhirComponent.urn);
    for (const n of ["ws-fhir-db", "ws-dicom-db", "ws-failover-fog"]) expect(recording.one(n).protect, n).toBe(true);
    expect(recording.one("ws-fhir-tde").protect).toBe(false);
  });

  it("deprovision: true lifts protection from every data-bearing child", async () => {
    const { recording } = await recordProgram(workspace({ deprovision: true }));
    for (const n of ["ws-fhir-db", "ws-dicom-db", "ws-failover-fog"]) expect(recording.one(n).protect, n).toBe(false);
  });

  it("without a failover group, the endpoint is the server's FQDN", async () => {
    const { recording, outputs } = await recordProgram(() => {
      const ws = new Workspace("ws", { ...base, failover: undefined, databases: { fhir: base.databases.fhir } });
      return { rw: ws.readWriteEndpoint };
    });
    expect(outputs.rw).toBe("sql-weu.database.windows.net");
    expect(recording.ofType("azure-native:sql:FailoverGroup")).toEqual([]);
    expect(recording.ofType("azure-native:sql:Database").map((d) => d.inputs.databaseName)).toEqual(["contoso-fhir"]);
  });

  describe("validation (nothing registered, errors name the Workspace field)", () => {
    it("rejects a 5 TB pooled database", () =>
      expectValidationError(workspace({ databases: { fhir: { kind: "pool", pool, maxSizeGb: 5120 } } }), ["Workspace", '"ws"', "databases.fhir.maxSizeGb", "5120", "1 to 4096 GB"]));
    it("rejects a pooled database whose pool is missing on the secondary", () =>
      expectValidationError(workspace({ failover: { ...base.failover!, secondaryPoolNames: [] } }), ["Workspace", "databases.fhir.pool.name", "pool-gp-01", "same name"]));
    it("rejects a 30-minute grace period", () =>
      expectValidationError(workspace({ failover: { ...base.failover!, gracePeriodMinutes: 30 } }), ["Workspace", "failover.gracePeriodMinutes", "30", "≥ 60"]));
    it("rejects a secondary in the same region", () =>
      expectValidationError(workspace({ failover: { ...base.failover!, secondary: { ...secondary, location: "westeurope" } } }), ["failover.secondary.location", "westeurope"]));
    it("rejects short-term retention outside 1–35", () =>
      expectValidationError(workspace({ shortTermRetentionDays: 90 }), ["Workspace", "shortTermRetentionDays", "90", "1 to 35"]));
    it("rejects Local backup redundancy without opt-in", () =>
      expectValidationError(workspace({ backupRedundancy: "Local" }), ["Workspace", "backupRedundancy", "Local", "allowLocalBackupRedundancy"]));
    it("rejects an invalid customer id", () => expectValidationError(workspace({ customerId: "Contoso Ltd" }), ["Workspace", "customerId", "Contoso Ltd"]));
    it("rejects a workspace without databases", () => expectValidationError(workspace({ databases: {} }), ["Workspace", "databases", "fhir, dicom"]));
  });
});
