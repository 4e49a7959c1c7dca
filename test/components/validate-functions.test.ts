// The exported validate*Args functions let a stack check every component's args before it registers anything.
import { describe, expect, it } from "vitest";
import {
  ComponentValidationError,
  validateCustomerManagedKeyArgs,
  validateElasticPoolArgs,
  validateFailoverGroupArgs,
  validateMonitoringArgs,
  validatePostgresServerArgs,
  validateRotatingCredentialArgs,
  validateSqlDatabaseArgs,
  validateSqlServerArgs,
  validateWorkspaceArgs,
  type ServerRef,
} from "../../components";
import { diagnostics, entraAdmin, RG, TENANT } from "./fixtures";

const server: ServerRef = { id: "/s/sql-weu", name: "sql-weu", resourceGroupName: RG, location: "westeurope" };
const cmk = { keyUri: "https://kv.vault.azure.net/keys/k", keyUriWithVersion: "https://kv.vault.azure.net/keys/k/1", identityId: "/s/uami" };

function thrown(fn: () => unknown): ComponentValidationError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ComponentValidationError) return e;
    throw e;
  }
  throw new Error("expected a ComponentValidationError");
}

describe("validate*Args", () => {
  it("return the resolved defaults for good args", () => {
    expect(validateCustomerManagedKeyArgs("cmk", { resourceGroupName: RG, location: "westeurope", tenantId: TENANT })).toEqual({
      sku: "standard",
      keyType: "RSA",
      keySize: 3072,
      expiryTime: "P1Y",
      rotateBefore: "P30D",
    });
    expect(validateSqlServerArgs("sql", { resourceGroupName: RG, location: "westeurope", entraAdmin, cmk, diagnostics })).toMatchObject({ entraOnly: true, publicAccess: "Disabled" });
    expect(validateElasticPoolArgs("ep", { server, poolName: "p1", edition: "BusinessCritical", vCores: 24 }).size).toEqual({ vCores: 24, maxDataGb: 4096, maxDatabases: 100 });
    expect(validateMonitoringArgs("mon", { resourceGroupName: RG, location: "westeurope" })).toEqual({ retention: 90 });
    expect(validateRotatingCredentialArgs("c", { now: new Date("2026-01-01T00:00:00Z") })).toMatchObject({ rotationDays: 90, length: 32, secretName: "c" });
    expect(validateSqlDatabaseArgs("db", { server, databaseName: "d", placement: { kind: "hyperscale", vCores: 4 } })).toMatchObject({ redundancy: "GeoZone", zoneRedundant: true, str: 35 });
    expect(
      validatePostgresServerArgs("pg", { resourceGroupName: RG, location: "westeurope", skuName: "Standard_D4ds_v5", tier: "GeneralPurpose", entraAdmin, cmk: { primary: cmk, geoBackup: cmk }, network: { privateAccess: { subnetId: "/s/subnet" } } }),
    ).toMatchObject({ version: "17", ha: "ZoneRedundant", geo: true, retention: 35 });
    expect(validateWorkspaceArgs("ws", { customerId: "contoso", server, databases: { dicom: { kind: "hyperscale", vCores: 8 } } })).toEqual({ kinds: ["dicom"] });
    expect(validateFailoverGroupArgs("fg", { failoverGroupName: "fog-a", primary: server, secondary: { ...server, location: "northeurope" }, databases: [] })).toEqual({ policy: "Automatic", grace: 60 });
  });

  it("throw structured errors carrying component, name, field, value and the allowed set", () => {
    const e = thrown(() => validateElasticPoolArgs("ep", { server, poolName: "p1", edition: "BusinessCritical", vCores: 30 }));
    expect([e.component, e.resourceName, e.field, e.value]).toEqual(["ElasticPool", "ep", "vCores", 30]);
    expect(e.allowed).toBe("one of 4, 6, 8, 10, 12, 14, 16, 18, 20, 24, 32, 40, 80 for BusinessCritical pools");
    expect(e.message).toBe(`ElasticPool "ep": invalid vCores = 30; allowed: ${e.allowed}`);
    const w = thrown(() => validateWorkspaceArgs("ws", { customerId: "contoso", server, databases: { fhir: { kind: "hyperscale", vCores: 8, haReplicas: 0 } } }));
    expect([w.component, w.field, w.value]).toEqual(["Workspace", "databases.fhir.haReplicas", 0]);
  });
});
