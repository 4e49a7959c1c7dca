import { describe, expect, it } from "vitest";
import { CustomerManagedKey, PostgresServer, RotatingCredential, type CmkRef, type PostgresServerArgs } from "../../components";
import { expectValidationError, recordProgram } from "../support/recorder";
import { diagnostics, entraAdmin, RG, SUBNET_ID, TENANT } from "./fixtures";

const primaryKey: CmkRef = { keyUri: "https://kv-weu.vault.azure.net/keys/pg", keyUriWithVersion: "https://kv-weu.vault.azure.net/keys/pg/1", identityId: "/subs/s/userAssignedIdentities/uami-weu" };
const geoKey: CmkRef = { keyUri: "https://kv-neu.vault.azure.net/keys/pg", keyUriWithVersion: "https://kv-neu.vault.azure.net/keys/pg/1", identityId: "/subs/s/userAssignedIdentities/uami-neu" };
const PG_ZONE = "/subs/s/privateDnsZones/privatelink.postgres.database.azure.com";
const base: PostgresServerArgs = {
  resourceGroupName: RG,
  location: "westeurope",
  serverName: "pg-edfi-test",
  skuName: "Standard_D4ds_v5",
  tier: "GeneralPurpose",
  entraAdmin,
  cmk: { primary: primaryKey, geoBackup: geoKey },
  network: { privateAccess: { subnetId: SUBNET_ID, privateDnsZoneId: PG_ZONE } },
  parameters: { require_secure_transport: "on", "autovacuum_vacuum_scale_factor": "0.05", "pgaudit.log": "ddl,role" },
  databases: ["edfi_dms"],
  diagnostics,
};

function pg(args: Partial<PostgresServerArgs> = {}) {
  return () => {
    new PostgresServer("pg", { ...base, ...args });
  };
}

describe("PostgresServer", () => {
  it("creates the flexible server Entra-only, CMK at create, zone-redundant, geo-backed-up and private", async () => {
    const { recording } = await recordProgram(pg());
    const s = recording.one("pg-server", "azure-native:dbforpostgresql:Server");
    expect(s.inputs).toMatchObject({
      serverName: "pg-edfi-test",
      version: "17",
      createMode: "Create",
      sku: { name: "Standard_D4ds_v5", tier: "GeneralPurpose" },
      storage: { storageSizeGB: 128, autoGrow: "Enabled" },
      backup: { backupRetentionDays: 35, geoRedundantBackup: "Enabled" },
      highAvailability: { mode: "ZoneRedundant" },
      authConfig: { activeDirectoryAuth: "Enabled", passwordAuth: "Disabled", tenantId: TENANT },
      identity: { type: "UserAssigned", userAssignedIdentities: { [primaryKey.identityId as string]: {}, [geoKey.identityId as string]: {} } },
      dataEncryption: {
        type: "AzureKeyVault",
        primaryKeyURI: primaryKey.keyUri,
        primaryUserAssignedIdentityId: primaryKey.identityId,
        geoBackupKeyURI: geoKey.keyUri,
        geoBackupUserAssignedIdentityId: geoKey.identityId,
      },
      network: { publicNetworkAccess: "Disabled" },
    });
    expect(s.inputs.administratorLogin).toBeUndefined();
    expect(s.inputs.administratorLoginPassword).toBeUndefined();
    expect(s.protect).toBe(true);
    expect(s.replaceOnChanges).toEqual(["dataEncryption", "backup.geoRedundantBackup"]);
    const admin = recording.one("pg-entra-admin", "azure-native:dbforpostgresql:AdministratorsMicrosoftEntra");
    expect(admin.inputs).toMatchObject({ objectId: entraAdmin.objectId, principalName: "sql-admins", principalType: "group", tenantId: TENANT });
    expect(admin.dependencies).toContain(s.urn);
    const pe = recording.one("pg-pe", "azure-native:network:PrivateEndpoint");
    expect(pe.inputs).toMatchObject({ privateLinkServiceConnections: [{ privateLinkServiceId: s.outputs.id, groupIds: ["postgresqlServer"] }] });
    expect(recording.one("pg-pe-dns").inputs).toMatchObject({ privateDnsZoneConfigs: [{ privateDnsZoneId: PG_ZONE }] });
  });

  it("applies server parameters one after another, then creates databases", async () => {
    const { recording } = await recordProgram(pg());
    const admin = recording.one("pg-entra-admin");
    const names = ["pg-param-require-secure-transport", "pg-param-autovacuum-vacuum-scale-factor", "pg-param-pgaudit-log"];
    const configs = names.map((n) => recording.one(n, "azure-native:dbforpostgresql:Configuration"));
    expect(configs.map((c) => [c.inputs.configurationName, c.inputs.value, c.inputs.source])).toEqual([
      ["require_secure_transport", "on", "user-override"],
      ["autovacuum_vacuum_scale_factor", "0.05", "user-override"],
      ["pgaudit.log", "ddl,role", "user-override"],
    ]);
    expect(configs[0].dependencies).toContain(admin.urn);
    expect(configs[1].dependencies).toContain(configs[0].urn);
    expect(configs[2].dependencies).toContain(configs[1].urn);
    expect(configs[2].dependencies).not.toContain(configs[0].urn);
    const db = recording.one("pg-db-edfi_dms", "azure-native:dbforpostgresql:Database");
    expect(db.inputs).toMatchObject({ databaseName: "edfi_dms", charset: "UTF8" });
    expect(db.dependencies).toContain(configs[2].urn);
    expect(db.protect).toBe(true);
  });

  it("supports VNet injection without a private endpoint", async () => {
    const { recording } = await recordProgram(pg({ network: { delegatedSubnetId: SUBNET_ID, privateDnsZoneId: PG_ZONE } }));
    expect(recording.one("pg-server").inputs.network).toEqual({ publicNetworkAccess: "Disabled", delegatedSubnetResourceId: SUBNET_ID, privateDnsZoneArmResourceId: PG_ZONE });
    expect(recording.ofType("azure-native:network:PrivateEndpoint")).toEqual([]);
  });

  it("keeps an opted-in password admin secret and waits for the CMK role assignment", async () => {
    const { recording } = await recordProgram(() => {
      const cmk = new CustomerManagedKey("cmk", { resourceGroupName: RG, location: "westeurope", tenantId: TENANT });
      const cred = new RotatingCredential("pgpw", { now: new Date("2026-11-01T00:00:00Z") });
      new PostgresServer("pg", { ...base, geoRedundantBackup: false, cmk: { primary: cmk }, passwordAuth: true, passwordAdmin: { login: "edfi_admin", password: cred.password } });
    });
    const s = recording.one("pg-server");
    expect(s.inputs).toMatchObject({ administratorLogin: "edfi_admin", authConfig: { passwordAuth: "Enabled" }, backup: { geoRedundantBackup: "Disabled" } });
    expect(s.inputs.administratorLoginPassword).toBe(recording.one("pgpw-password").outputs.result);
    expect(s.secretPaths).toEqual(["administratorLoginPassword"]);
    expect(s.dependencies).toContain(recording.one("cmk-crypto-user").urn);
    expect((s.inputs.dataEncryption as Record<string, unknown>).geoBackupKeyURI).toBeUndefined();
  });

  it("deprovision lifts protection", async () => {
    const { recording } = await recordProgram(pg({ deprovision: true }));
    expect(recording.one("pg-server").protect).toBe(false);
    expect(recording.one("pg-db-edfi_dms").protect).toBe(false);
  });

  describe("validation", () => {
    it("rejects zone-redundant HA on Burstable", () => expectValidationError(pg({ tier: "Burstable", skuName: "Standard_B2s" }), ["PostgresServer", '"pg"', "ha", "ZoneRedundant", "Burstable"]));
    it("rejects geo-redundant backup without a geo-backup key", () => expectValidationError(pg({ cmk: { primary: primaryKey } }), ["cmk.geoBackup", "paired region"]));
    it("rejects a missing CMK", () => expectValidationError(pg({ cmk: {} as never }), ["cmk.primary", "created"]));
    it("rejects password auth without an admin", () => expectValidationError(pg({ passwordAuth: true }), ["passwordAdmin", "passwordAuth"]));
    it("rejects a password admin while password auth is off", () =>
      expectValidationError(pg({ passwordAdmin: { login: "edfi_admin", password: "x" } }), ["passwordAdmin", "edfi_admin", "passwordAuth: true"]));
    it("rejects backup retention above 35 days", () => expectValidationError(pg({ backupRetentionDays: 60 }), ["backupRetentionDays", "60", "7 to 35"]));
    it("rejects an unsupported storage size", () => expectValidationError(pg({ storageGb: 100 }), ["storageGb", "100", "128"]));
    it("rejects an invalid parameter name", () => expectValidationError(pg({ parameters: { "Work Mem": "64MB" } }), ["parameters.Work Mem"]));
    it("rejects a system database", () => expectValidationError(pg({ databases: ["postgres"] }), ["databases[0]", "postgres", "system"]));
  });
});
