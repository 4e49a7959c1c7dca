// KeyVaultExpiryAlerts and the environment's action group: the system topic's source is the vault, the
// subscriptions carry Key Vault's near-expiry / expired event types in CloudEvents v1.0 to Azure Monitor alerts
// for the action group; CustomerManagedKey creates it for the vault it makes.
import { describe, expect, it } from "vitest";
import { alertActionGroup, CustomerManagedKey, KeyVaultExpiryAlerts, type KeyVaultExpiryAlertsArgs } from "../../components";
import { expectValidationError, recordProgram } from "../support/recorder";
import { RG, TENANT } from "./fixtures";

const AG = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-data/providers/Microsoft.Insights/actionGroups/ag-test";
const VAULT = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-data/providers/Microsoft.KeyVault/vaults/kv-test";
const base: KeyVaultExpiryAlertsArgs = { resourceGroupName: RG, location: "westeurope", vaultId: VAULT, actionGroupId: AG };

describe("KeyVaultExpiryAlerts", () => {
  it("subscribes a Key Vault system topic to near-expiry and expired events, delivered as Monitor alerts to the action group", async () => {
    const { recording } = await recordProgram(() => {
      new KeyVaultExpiryAlerts("kv-expiry", base);
    });
    const component = recording.one("kv-expiry", "sqlfleet:keyvault:KeyVaultExpiryAlerts");
    const topic = recording.one("kv-expiry-topic", "azure-native:eventgrid:SystemTopic");
    expect(topic.inputs).toMatchObject({ source: VAULT, topicType: "Microsoft.KeyVault.vaults", location: "westeurope", resourceGroupName: RG });
    expect(topic.parent).toBe(component.urn);
    const near = recording.one("kv-expiry-near-expiry", "azure-native:eventgrid:SystemTopicEventSubscription");
    const expired = recording.one("kv-expiry-expired", "azure-native:eventgrid:SystemTopicEventSubscription");
    for (const s of [near, expired]) {
      expect(s.inputs.systemTopicName).toBe(topic.outputs.name);
      expect(s.propertyDependencies.systemTopicName).toEqual([topic.urn]);
      expect(s.inputs.eventDeliverySchema).toBe("CloudEventSchemaV1_0");
      expect(s.inputs.destination).toMatchObject({ endpointType: "MonitorAlert", actionGroups: [AG] });
    }
    expect(near.inputs.filter).toMatchObject({ includedEventTypes: ["Microsoft.KeyVault.KeyNearExpiry", "Microsoft.KeyVault.SecretNearExpiry"] });
    expect(expired.inputs.filter).toMatchObject({ includedEventTypes: ["Microsoft.KeyVault.KeyExpired", "Microsoft.KeyVault.SecretExpired"] });
    expect(near.inputs.destination).toMatchObject({ severity: "Sev2" });
    expect(expired.inputs.destination).toMatchObject({ severity: "Sev1" });
  });

  it("adds certificate events for a vault that holds certificates", async () => {
    const { recording } = await recordProgram(() => {
      new KeyVaultExpiryAlerts("kv-expiry", { ...base, objects: ["keys", "secrets", "certificates"] });
    });
    expect(recording.one("kv-expiry-near-expiry").inputs.filter).toMatchObject({
      includedEventTypes: ["Microsoft.KeyVault.KeyNearExpiry", "Microsoft.KeyVault.SecretNearExpiry", "Microsoft.KeyVault.CertificateNearExpiry"],
    });
  });

  it("is created by CustomerManagedKey for its own vault: topic source is the vault's id output", async () => {
    const { recording } = await recordProgram(() => {
      new CustomerManagedKey("cmk", { resourceGroupName: RG, location: "westeurope", tenantId: TENANT, vaultName: "kv-test", expiryAlerts: { actionGroupId: AG } });
    });
    const vault = recording.one("cmk-vault", "azure-native:keyvault:Vault");
    const topic = recording.one("cmk-vault-expiry-topic", "azure-native:eventgrid:SystemTopic");
    expect(topic.inputs.source).toBe(vault.outputs.id);
    expect(topic.propertyDependencies.source).toEqual([vault.urn]);
    expect(recording.ancestors(topic).map((a) => a.name).slice(0, 2)).toEqual(["cmk-vault-expiry", "cmk"]);
    // Keys keep their rotation policy: the alerts add to it, they do not replace it.
    expect(recording.one("cmk-key").inputs.properties).toMatchObject({ rotationPolicy: { attributes: { expiryTime: "P1Y" }, lifetimeActions: [{ action: { type: "rotate" } }, { action: { type: "notify" } }] } });
  });

  it("is not created without expiryAlerts, and refused with an existing vault (its owner subscribes)", async () => {
    const { recording } = await recordProgram(() => {
      new CustomerManagedKey("cmk", { resourceGroupName: RG, location: "westeurope", tenantId: TENANT, vaultName: "kv-test" });
    });
    expect(recording.ofType("azure-native:eventgrid:SystemTopic")).toEqual([]);
    await expectValidationError(
      () => {
        new CustomerManagedKey("cmk", { resourceGroupName: RG, location: "westeurope", tenantId: TENANT, existingVault: { id: VAULT, name: "kv-test" }, expiryAlerts: { actionGroupId: AG } });
      },
      ["CustomerManagedKey", "expiryAlerts", "existingVault"],
    );
  });

  describe("validation", () => {
    it("rejects an unknown severity", () => expectValidationError(() => new KeyVaultExpiryAlerts("a", { ...base, nearExpirySeverity: "Sev9" as never }), ["KeyVaultExpiryAlerts", "nearExpirySeverity", "Sev9"]));
    it("rejects an empty object list", () => expectValidationError(() => new KeyVaultExpiryAlerts("a", { ...base, objects: [] }), ["objects", "at least one"]));
  });
});

describe("alertActionGroup", () => {
  it("sends the configured e-mails, global and enabled", async () => {
    const { recording } = await recordProgram(() => {
      alertActionGroup("alerts", { resourceGroupName: RG, actionGroupName: "ag-test", shortName: "sqlf-test", emails: ["a@example.org", "b@example.org"] });
    });
    expect(recording.one("alerts", "azure-native:monitor:ActionGroup").inputs).toMatchObject({
      actionGroupName: "ag-test",
      groupShortName: "sqlf-test",
      location: "global",
      enabled: true,
      emailReceivers: [
        { name: "email-1", emailAddress: "a@example.org", useCommonAlertSchema: true },
        { name: "email-2", emailAddress: "b@example.org", useCommonAlertSchema: true },
      ],
    });
  });
  it("rejects a short name over 12 characters", () =>
    expectValidationError(() => alertActionGroup("alerts", { resourceGroupName: RG, actionGroupName: "ag", shortName: "sqlfleet-production", emails: [] }), ["AlertActionGroup", "shortName", "1–12"]));
  it("rejects a bad e-mail", () => expectValidationError(() => alertActionGroup("alerts", { resourceGroupName: RG, actionGroupName: "ag", shortName: "x", emails: ["nobody"] }), ["emails[0]", "nobody"]));
});
