import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { CustomerManagedKey, DEFAULT_AUDIT_ACTION_GROUPS, SqlServer, type SqlServerArgs } from "../../components";
import { expectValidationError, recordProgram } from "../support/recorder";
import { diagnostics, entraAdmin, RG, SQL_DNS_ZONE_ID, SUBNET_ID, TENANT, WORKSPACE_ID } from "./fixtures";

const cmkRef = {
  keyUri: "https://kv-a.vault.azure.net/keys/tde",
  keyUriWithVersion: "https://kv-a.vault.azure.net/keys/tde/0123456789abcdef0123456789abcdef",
  identityId: "/subscriptions/s/resourceGroups/rg-data/providers/Microsoft.ManagedIdentity/userAssignedIdentities/uami",
};
const base: SqlServerArgs = { resourceGroupName: RG, location: "westeurope", serverName: "sql-weu-test", entraAdmin, cmk: cmkRef, diagnostics };

function server(args: Partial<SqlServerArgs> = {}) {
  return () => {
    new SqlServer("sql", { ...base, ...args });
  };
}

describe("SqlServer", () => {
  it("creates the server Entra-only, TLS 1.2, private, with the CMK identity and the versionless key", async () => {
    const { recording } = await recordProgram(server());
    const s = recording.one("sql-server", "azure-native:sql:Server");
    expect(s.inputs).toMatchObject({
      serverName: "sql-weu-test",
      location: "westeurope",
      version: "12.0",
      minimalTlsVersion: "1.2",
      publicNetworkAccess: "Disabled",
      restrictOutboundNetworkAccess: "Enabled",
      identity: { type: "UserAssigned", userAssignedIdentities: [cmkRef.identityId] },
      primaryUserAssignedIdentityId: cmkRef.identityId,
      keyId: "https://kv-a.vault.azure.net/keys/tde",
      administrators: {
        administratorType: "ActiveDirectory",
        azureADOnlyAuthentication: true,
        login: "sql-admins",
        sid: entraAdmin.objectId,
        tenantId: TENANT,
        principalType: "Group",
      },
    });
    expect(s.inputs.administratorLogin).toBeUndefined();
    expect(s.inputs.administratorLoginPassword).toBeUndefined();
    expect(s.ignoreChanges).toEqual(["administrators", "administratorLogin"]);
    expect(s.protect).toBe(true);
  });

  it("manages later Entra changes through child resources, admin before Entra-only", async () => {
    const { recording } = await recordProgram(server());
    const s = recording.one("sql-server");
    const admin = recording.one("sql-entra-admin", "azure-native:sql:ServerAzureADAdministrator");
    const only = recording.one("sql-entra-only", "azure-native:sql:ServerAzureADOnlyAuthentication");
    expect(admin.inputs).toMatchObject({ serverName: "sql-weu-test", administratorName: "ActiveDirectory", login: "sql-admins", sid: entraAdmin.objectId, tenantId: TENANT });
    expect(only.inputs).toMatchObject({ authenticationName: "Default", azureADOnlyAuthentication: true });
    expect(recording.dependsOnUrns(admin)).toContain(s.urn);
    expect(only.dependencies).toContain(admin.urn);
  });

  it("registers the versioned key and an auto-rotating protector", async () => {
    const { recording } = await recordProgram(server());
    const key = recording.one("sql-server-key", "azure-native:sql:ServerKey");
    expect(key.inputs).toMatchObject({
      serverKeyType: "AzureKeyVault",
      keyName: "kv-a_tde_0123456789abcdef0123456789abcdef",
      uri: cmkRef.keyUriWithVersion,
    });
    const protector = recording.one("sql-protector", "azure-native:sql:EncryptionProtector");
    expect(protector.inputs).toMatchObject({
      encryptionProtectorName: "current",
      serverKeyType: "AzureKeyVault",
      serverKeyName: "kv-a_tde_0123456789abcdef0123456789abcdef",
      autoRotationEnabled: true,
    });
    expect(protector.dependencies).toContain(key.urn);
  });

  it("audits to Azure Monitor with the master diagnostic setting, and turns on Defender and vulnerability assessment", async () => {
    const { recording } = await recordProgram(server({ alertEmails: ["secops@example.org"] }));
    const s = recording.one("sql-server");
    const audit = recording.one("sql-auditing", "azure-native:sql:ExtendedServerBlobAuditingPolicy");
    expect(audit.inputs).toMatchObject({
      blobAuditingPolicyName: "default",
      state: "Enabled",
      isAzureMonitorTargetEnabled: true,
      isDevopsAuditEnabled: true,
      auditActionsAndGroups: [...DEFAULT_AUDIT_ACTION_GROUPS],
    });
    const master = recording.one("sql-master-diag", "azure-native:monitor:DiagnosticSetting");
    expect(master.inputs).toMatchObject({
      resourceUri: `${String(s.outputs.id)}/databases/master`,
      workspaceId: WORKSPACE_ID,
      logAnalyticsDestinationType: "Dedicated",
      logs: [
        { category: "SQLSecurityAuditEvents", enabled: true },
        { category: "DevOpsOperationsAudit", enabled: true },
      ],
    });
    expect(master.dependencies).toContain(audit.urn);
    expect(recording.one("sql-defender", "azure-native:sql:ServerSecurityAlertPolicy").inputs).toMatchObject({
      state: "Enabled",
      emailAccountAdmins: true,
      emailAddresses: ["secops@example.org"],
    });
    expect(recording.one("sql-vulnerability-assessment", "azure-native:sql:SqlVulnerabilityAssessmentsSetting").inputs).toMatchObject({ state: "Enabled" });
  });

  it("creates a private endpoint with its DNS zone group", async () => {
    const { recording } = await recordProgram(server({ privateAccess: { subnetId: SUBNET_ID, privateDnsZoneId: SQL_DNS_ZONE_ID } }));
    const s = recording.one("sql-server");
    const pe = recording.one("sql-pe", "azure-native:network:PrivateEndpoint");
    expect(pe.inputs).toMatchObject({
      subnet: { id: SUBNET_ID },
      privateLinkServiceConnections: [{ name: "sql-plsc", privateLinkServiceId: s.outputs.id, groupIds: ["sqlServer"] }],
    });
    const zone = recording.one("sql-pe-dns", "azure-native:network:PrivateDnsZoneGroup");
    expect(zone.inputs).toMatchObject({ privateEndpointName: pe.outputs.name, privateDnsZoneConfigs: [{ name: "default", privateDnsZoneId: SQL_DNS_ZONE_ID }] });
  });

  it("waits for the CMK role assignment before creating the server, and parents children to the component", async () => {
    const { recording } = await recordProgram(() => {
      const cmk = new CustomerManagedKey("cmk", { resourceGroupName: RG, location: "westeurope", tenantId: TENANT });
      new SqlServer("sql", { ...base, cmk });
    });
    const role = recording.one("cmk-crypto-user");
    const s = recording.one("sql-server");
    expect(s.dependencies).toContain(role.urn);
    const order = recording.topologicalOrder().map((r) => r.name);
    expect(order.indexOf("cmk-crypto-user")).toBeLessThan(order.indexOf("sql-server"));
    expect(s.inputs.keyId).toBe(recording.one("cmk-key").outputs.keyUri);
    const component = recording.one("sql", "sqlfleet:sql:SqlServer");
    for (const r of recording.resources.filter((x) => x.name.startsWith("sql-"))) expect(r.parent, r.name).toBe(component.urn);
  });

  it("keeps a SQL admin password secret even when given as plain text", async () => {
    const { recording } = await recordProgram(server({ entraOnly: false, sqlAdmin: { login: "fleetadmin", password: "plain-text-pw" } }));
    const s = recording.one("sql-server");
    expect(s.inputs.administratorLogin).toBe("fleetadmin");
    expect(s.inputs.administratorLoginPassword).toBe("plain-text-pw");
    expect(s.secretPaths).toEqual(["administratorLoginPassword"]);
    expect(s.additionalSecretOutputs).toEqual(["administratorLoginPassword"]);
    expect(s.inputs.administrators).toMatchObject({ azureADOnlyAuthentication: false });
  });

  it("deprovision lifts protection", async () => {
    const { recording } = await recordProgram(server({ deprovision: true, lock: "CanNotDelete" }));
    expect(recording.one("sql-server").protect).toBe(false);
    expect(recording.ofType("azure-native:authorization:ManagementLockByScope")).toEqual([]);
  });

  it("adds a lock when asked", async () => {
    const { recording } = await recordProgram(server({ lock: "CanNotDelete" }));
    expect(recording.one("sql-lock").inputs).toMatchObject({ level: "CanNotDelete", scope: recording.one("sql-server").outputs.id });
  });

  describe("validation", () => {
    it("rejects Entra-only without an admin", () =>
      expectValidationError(server({ entraAdmin: undefined }), ["SqlServer", '"sql"', "entraAdmin", "(not set)", "entraOnly"]));
    it("rejects a SQL admin on an Entra-only server", () =>
      expectValidationError(server({ sqlAdmin: { login: "fleetadmin", password: pulumi.secret("x") } }), ["sqlAdmin", "fleetadmin", "entraOnly: false"]));
    it("rejects a reserved SQL admin login", () =>
      expectValidationError(server({ entraOnly: false, sqlAdmin: { login: "sa", password: "x" } }), ["sqlAdmin.login", '"sa"', "reserved"]));
    it("rejects firewall rules while public access is disabled", () =>
      expectValidationError(server({ firewallRules: [{ name: "office", start: "1.2.3.4", end: "1.2.3.4" }] }), ["firewallRules", "office", "publicNetworkAccess"]));
    it("rejects the allow-all-Azure firewall rule", () =>
      expectValidationError(server({ publicNetworkAccess: "Enabled", firewallRules: [{ name: "azure", start: "0.0.0.0", end: "0.0.0.0" }] }), ["firewallRules[0]", "0.0.0.0"]));
    it("rejects an invalid server name", () =>
      expectValidationError(server({ serverName: "SQL_Prod" }), ["serverName", "SQL_Prod", "lower-case"]));
    it("rejects an Entra admin whose object id is not a GUID", () =>
      expectValidationError(server({ entraAdmin: { ...entraAdmin, objectId: "sql-admins" } }), ["entraAdmin.objectId", "sql-admins", "GUID"]));
    it("rejects an unknown public network access value", () =>
      expectValidationError(server({ publicNetworkAccess: "Open" as never }), ["publicNetworkAccess", "Open", "Disabled"]));
  });
});
