import { describe, expect, it } from "vitest";
import { CRYPTO_SERVICE_ENCRYPTION_USER_ROLE, CustomerManagedKey } from "../../components";
import { expectValidationError, MOCK_SUBSCRIPTION, recordProgram } from "../support/recorder";
import { diagnostics, RG, TENANT } from "./fixtures";

const base = { resourceGroupName: RG, location: "westeurope", tenantId: TENANT, vaultName: "kv-sqlfleet-test", diagnostics };

describe("CustomerManagedKey", () => {
  it("creates an RBAC, purge-protected, private vault with an RSA 3072 rotating key and the crypto role on the key", async () => {
    const { recording } = await recordProgram(() => {
      new CustomerManagedKey("cmk", base);
    });
    const vault = recording.one("cmk-vault", "azure-native:keyvault:Vault");
    expect(vault.inputs.properties).toMatchObject({
      tenantId: TENANT,
      sku: { family: "A", name: "standard" },
      enableRbacAuthorization: true,
      enableSoftDelete: true,
      softDeleteRetentionInDays: 90,
      enablePurgeProtection: true,
      publicNetworkAccess: "disabled",
      networkAcls: { bypass: "AzureServices", defaultAction: "Deny" },
    });
    const key = recording.one("cmk-key", "azure-native:keyvault:Key");
    expect(key.inputs.vaultName).toBe("kv-sqlfleet-test");
    expect(key.inputs.properties).toEqual({
      kty: "RSA",
      keySize: 3072,
      keyOps: ["wrapKey", "unwrapKey"],
      attributes: { enabled: true, exportable: false },
      rotationPolicy: {
        attributes: { expiryTime: "P1Y" },
        lifetimeActions: [
          { trigger: { timeBeforeExpiry: "P30D" }, action: { type: "rotate" } },
          { trigger: { timeBeforeExpiry: "P30D" }, action: { type: "notify" } },
        ],
      },
    });
    const uami = recording.one("cmk-identity", "azure-native:managedidentity:UserAssignedIdentity");
    const role = recording.one("cmk-crypto-user", "azure-native:authorization:RoleAssignment");
    expect(role.inputs.scope).toBe(key.outputs.id);
    expect(role.inputs.principalId).toBe(uami.outputs.principalId);
    expect(role.inputs.principalType).toBe("ServicePrincipal");
    expect(role.inputs.roleDefinitionId).toBe(
      `/subscriptions/${MOCK_SUBSCRIPTION}/providers/Microsoft.Authorization/roleDefinitions/${CRYPTO_SERVICE_ENCRYPTION_USER_ROLE}`,
    );
    expect(CRYPTO_SERVICE_ENCRYPTION_USER_ROLE).toBe("e147488a-f6f5-4113-8e2d-b22465e65bf6");
    const diag = recording.one("cmk-vault-diag", "azure-native:monitor:DiagnosticSetting");
    expect(diag.inputs.resourceUri).toBe(vault.outputs.id);
    expect(diag.inputs.logs).toEqual([{ categoryGroup: "allLogs", enabled: true }]);
    const lock = recording.one("cmk-vault-lock", "azure-native:authorization:ManagementLockByScope");
    expect(lock.inputs).toMatchObject({ scope: vault.outputs.id, level: "CanNotDelete" });
  });

  it("parents every child to the component and protects and retains the vault and key", async () => {
    const { recording } = await recordProgram(() => {
      new CustomerManagedKey("cmk", base);
    });
    const component = recording.one("cmk", "sqlfleet:keyvault:CustomerManagedKey");
    for (const child of ["cmk-vault", "cmk-key", "cmk-identity", "cmk-crypto-user", "cmk-vault-diag", "cmk-vault-lock"]) {
      expect(recording.one(child).parent, child).toBe(component.urn);
    }
    for (const n of ["cmk-vault", "cmk-key"]) {
      const r = recording.one(n);
      expect(r.protect, n).toBe(true);
      expect(recording.effectiveRetainOnDelete(r), n).toBe(true);
    }
    expect(recording.one("cmk-identity").protect).toBe(false);
  });

  it("exposes the versionless key URI for auto-rotation and the versioned one for server keys", async () => {
    let cmk!: CustomerManagedKey;
    const { outputs } = await recordProgram(() => {
      cmk = new CustomerManagedKey("cmk", base);
      return { keyUri: cmk.keyUri, versioned: cmk.keyUriWithVersion };
    });
    expect(outputs.keyUri).toBe("https://kv-sqlfleet-test.vault.azure.net/keys/cmk-key");
    expect(outputs.versioned).toMatch(/^https:\/\/kv-sqlfleet-test\.vault\.azure\.net\/keys\/cmk-key\/[0-9a-f]{32}$/);
  });

  it("defaults to RSA-HSM on a premium vault and grants additional principals", async () => {
    const { recording } = await recordProgram(() => {
      new CustomerManagedKey("cmk", { ...base, vaultSku: "premium", additionalPrincipals: { secondary: "33333333-3333-3333-3333-333333333333" } });
    });
    expect(recording.one("cmk-key").inputs.properties).toMatchObject({ kty: "RSA-HSM", keySize: 3072 });
    const extra = recording.one("cmk-crypto-user-secondary");
    expect(extra.inputs.principalId).toBe("33333333-3333-3333-3333-333333333333");
    expect(extra.inputs.scope).toBe(recording.one("cmk-key").outputs.id);
  });

  it("deprovision lifts protection, retention and the lock", async () => {
    const { recording } = await recordProgram(() => {
      new CustomerManagedKey("cmk", { ...base, deprovision: true });
    });
    for (const n of ["cmk-vault", "cmk-key"]) {
      expect(recording.one(n).protect).toBe(false);
      expect(recording.effectiveRetainOnDelete(recording.one(n))).toBe(false);
    }
    expect(recording.ofType("azure-native:authorization:ManagementLockByScope")).toEqual([]);
  });

  it("connects the vault through a private endpoint when asked", async () => {
    const zone = "/subs/s/privateDnsZones/privatelink.vaultcore.azure.net";
    const { recording } = await recordProgram(() => {
      new CustomerManagedKey("cmk", { ...base, privateAccess: { subnetId: "/subs/s/subnets/data", privateDnsZoneId: zone } });
    });
    const vault = recording.one("cmk-vault");
    expect(recording.one("cmk-vault-pe", "azure-native:network:PrivateEndpoint").inputs).toMatchObject({
      subnet: { id: "/subs/s/subnets/data" },
      privateLinkServiceConnections: [{ privateLinkServiceId: vault.outputs.id, groupIds: ["vault"] }],
    });
    expect(recording.one("cmk-vault-pe-dns").inputs).toMatchObject({ privateDnsZoneConfigs: [{ privateDnsZoneId: zone }] });
  });

  it("uses an existing vault without creating one", async () => {
    const { recording } = await recordProgram(() => {
      new CustomerManagedKey("cmk", { resourceGroupName: RG, location: "westeurope", tenantId: TENANT, existingVault: { id: "/subscriptions/x/vaults/kv-shared", name: "kv-shared" } });
    });
    expect(recording.ofType("azure-native:keyvault:Vault")).toEqual([]);
    expect(recording.one("cmk-key").inputs.vaultName).toBe("kv-shared");
  });

  describe("validation", () => {
    it("rejects a 1024-bit key", () =>
      expectValidationError(() => new CustomerManagedKey("cmk", { ...base, keySize: 1024 }), ["CustomerManagedKey", '"cmk"', "keySize", "1024", "2048, 3072"]));
    it("rejects RSA-HSM on a standard vault", () =>
      expectValidationError(() => new CustomerManagedKey("cmk", { ...base, keyType: "RSA-HSM" }), ["keyType", "RSA-HSM", "premium"]));
    it("rejects a malformed rotation duration", () =>
      expectValidationError(() => new CustomerManagedKey("cmk", { ...base, rotation: { expiryTime: "1 year" } }), ["rotation.expiryTime", "1 year", "ISO-8601"]));
    it("rejects an invalid vault name", () =>
      expectValidationError(() => new CustomerManagedKey("cmk", { ...base, vaultName: "kv_bad!" }), ["vaultName", "kv_bad!", "3–24"]));
    it("rejects a tenant id that is not a GUID", () =>
      expectValidationError(() => new CustomerManagedKey("cmk", { ...base, tenantId: "contoso" }), ["tenantId", "contoso", "GUID"]));
  });
});
