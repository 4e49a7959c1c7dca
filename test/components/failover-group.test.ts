import { describe, expect, it } from "vitest";
import { CustomerManagedKey, ElasticPool, FailoverGroup, SqlDatabase, SqlServer, type FailoverGroupArgs, type ServerRef } from "../../components";
import { expectValidationError, recordProgram } from "../support/recorder";
import { diagnostics, entraAdmin, RG, TENANT } from "./fixtures";

const primary: ServerRef = { id: "/subscriptions/s/resourceGroups/rg-data/providers/Microsoft.Sql/servers/sql-weu", name: "sql-weu", resourceGroupName: RG, location: "westeurope" };
const secondary: ServerRef = { id: "/subscriptions/s/resourceGroups/rg-data/providers/Microsoft.Sql/servers/sql-neu", name: "sql-neu", resourceGroupName: RG, location: "northeurope" };
const fhir = { id: `${primary.id}/databases/contoso-fhir`, databaseName: "contoso-fhir", poolName: "pool-gp-01" };
const base: FailoverGroupArgs = { failoverGroupName: "fog-contoso", primary, secondary, databases: [fhir], secondaryPoolNames: ["pool-gp-01"] };

function fog(args: Partial<FailoverGroupArgs> = {}) {
  return () => {
    new FailoverGroup("fg", { ...base, ...args });
  };
}

describe("FailoverGroup", () => {
  it("fails over automatically after a 60-minute grace period to the paired-region partner", async () => {
    let group!: FailoverGroup;
    const { recording } = await recordProgram(() => {
      group = new FailoverGroup("fg", base);
    });
    const g = recording.one("fg-fog", "azure-native:sql:FailoverGroup");
    expect(g.inputs).toMatchObject({
      resourceGroupName: RG,
      serverName: "sql-weu",
      failoverGroupName: "fog-contoso",
      partnerServers: [{ id: secondary.id }],
      databases: [fhir.id],
      readWriteEndpoint: { failoverPolicy: "Automatic", failoverWithDataLossGracePeriodMinutes: 60 },
      readOnlyEndpoint: { failoverPolicy: "Disabled", targetServer: secondary.id },
    });
    expect(g.protect).toBe(true);
    expect(g.parent).toBe(recording.one("fg", "sqlfleet:sql:FailoverGroup").urn);
    expect(group.readWriteListener).toBe("fog-contoso.database.windows.net");
    expect(group.readOnlyListener).toBe("fog-contoso.secondary.database.windows.net");
  });

  it("omits the grace period with the Manual policy", async () => {
    const { recording } = await recordProgram(fog({ policy: "Manual" }));
    expect(recording.one("fg-fog").inputs.readWriteEndpoint).toEqual({ failoverPolicy: "Manual" });
  });

  it("registers the primary's key on the secondary before the group, after same-name pools exist", async () => {
    const { recording } = await recordProgram(() => {
      const cmk = new CustomerManagedKey("cmk", { resourceGroupName: RG, location: "westeurope", tenantId: TENANT });
      const p = new SqlServer("p", { resourceGroupName: RG, location: "westeurope", entraAdmin, cmk, diagnostics });
      const s = new SqlServer("s", { resourceGroupName: RG, location: "northeurope", entraAdmin, cmk, diagnostics });
      const pPool = new ElasticPool("p-pool", { server: p, poolName: "pool-gp-01", edition: "GeneralPurpose", vCores: 8 });
      const sPool = new ElasticPool("s-pool", { server: s, poolName: "pool-gp-01", edition: "GeneralPurpose", vCores: 8 });
      const db = new SqlDatabase("fhir", { server: p, databaseName: "contoso-fhir", placement: { kind: "pool", pool: pPool, maxSizeGb: 500 } });
      new FailoverGroup("fg", { failoverGroupName: "fog-contoso", primary: p, secondary: s, databases: [db], secondaryPools: [sPool], primaryKey: cmk });
    });
    const key = recording.one("fg-secondary-key", "azure-native:sql:ServerKey");
    const sServer = recording.one("s-server");
    const cmkKey = recording.one("cmk-key");
    expect(key.inputs).toMatchObject({ serverName: sServer.outputs.name, serverKeyType: "AzureKeyVault", uri: cmkKey.outputs.keyUriWithVersion });
    expect(key.inputs.keyName).toMatch(/^[^_]+_cmk-key_[0-9a-f]{32}$/);
    const g = recording.one("fg-fog");
    expect(g.dependencies).toContain(key.urn);
    // dependsOn a component reaches the engine as its custom children.
    expect(g.dependencies).toContain(recording.one("s-pool-pool", "azure-native:sql:ElasticPool").urn);
    expect(g.inputs.databases).toEqual([recording.one("fhir-db").outputs.id]);
    const order = recording.topologicalOrder().map((r) => r.name);
    expect(order.indexOf("fg-secondary-key")).toBeLessThan(order.indexOf("fg-fog"));
    expect(order.indexOf("s-pool-pool")).toBeLessThan(order.indexOf("fg-fog"));
    expect(order.indexOf("fhir-db")).toBeLessThan(order.indexOf("fg-fog"));
  });

  it("deprovision lifts protection", async () => {
    const { recording } = await recordProgram(fog({ deprovision: true }));
    expect(recording.one("fg-fog").protect).toBe(false);
  });

  describe("validation", () => {
    it("rejects a 30-minute grace period", () =>
      expectValidationError(fog({ gracePeriodMinutes: 30 }), ["FailoverGroup", '"fg"', "gracePeriodMinutes", "30", "≥ 60"]));
    it("rejects a grace period with the Manual policy", () =>
      expectValidationError(fog({ policy: "Manual", gracePeriodMinutes: 60 }), ["gracePeriodMinutes", "Manual"]));
    it("rejects a partner in the same region", () =>
      expectValidationError(fog({ secondary: { ...secondary, location: "westeurope" } }), ["secondary.location", "westeurope", "other than the primary"]));
    it("rejects a partner outside the paired region", () =>
      expectValidationError(fog({ secondary: { ...secondary, location: "eastus" } }), ["secondary.location", "eastus", "northeurope", "paired region"]));
    it("rejects a primary region without a known pair", () =>
      expectValidationError(fog({ primary: { ...primary, location: "marsnorth" } }), ["primary.location", "marsnorth"]));
    it("rejects a pooled database whose pool does not exist on the secondary", () =>
      expectValidationError(fog({ secondaryPoolNames: ["pool-gp-02"] }), ["databases[0].poolName", "pool-gp-01", "same name", "pool-gp-02"]));
    it("rejects a database listed twice", () =>
      expectValidationError(fog({ databases: [fhir, fhir] }), ["databases[1].databaseName", "contoso-fhir"]));
    it("rejects a group name that is not a DNS label", () =>
      expectValidationError(fog({ failoverGroupName: "FOG_Contoso" }), ["failoverGroupName", "FOG_Contoso"]));
  });
});
