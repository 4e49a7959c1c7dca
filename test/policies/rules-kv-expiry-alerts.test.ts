// sqlfleet-kv-expiry-alerts, the passing side (its failing cases are in cases.ts): other shapes that do cover the
// expiry events, and the component and the rule agreeing on which event types those are.
import * as eventgrid from "@pulumi/azure-native/eventgrid";
import * as keyvault from "@pulumi/azure-native/keyvault";
import { describe, expect, it } from "vitest";
import { REQUIRED_EXPIRY_EVENT_TYPES } from "../../components/key-vault-expiry-alerts";
import { EXPIRY_EVENT_TYPES } from "../../policies/rules/keyvault-expiry-alerts";
import { evaluatePolicies } from "../../policies/runner";
import { recordFleet } from "./fleet-fixture";

const ID = "sqlfleet-kv-expiry-alerts";
const RG = "rg-sqlfleet-prod";

describe(ID, () => {
  it("passes the compliant fleet (topic on the vault, near-expiry and expired subscriptions to the action group)", async () => {
    const diags = await evaluatePolicies(await recordFleet());
    expect(diags.filter((d) => d.policyId === ID)).toEqual([]);
  });

  it("passes one subscription without an event-type filter (it delivers every event type)", async () => {
    const diags = await evaluatePolicies(
      await recordFleet({ omit: ["vault.expired"], set: { "vault.nearExpiry": { filter: undefined } } }),
    );
    expect(diags.filter((d) => d.policyId === ID)).toEqual([]);
  });

  it("finds the topic by the vault's id when the source is a plain string", async () => {
    const vaultId = `/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/${RG}/providers/Microsoft.KeyVault/vaults/kv-sqlfleet-prod`;
    const diags = await evaluatePolicies(await recordFleet({ set: { "vault.topic": { source: vaultId } } }));
    expect(diags.filter((d) => d.policyId === ID)).toEqual([]);
  });

  it("flags a second vault that has no topic, naming it", async () => {
    const diags = await evaluatePolicies(
      await recordFleet({
        extra: () => {
          const other = new keyvault.Vault("kv-other", {
            resourceGroupName: RG,
            vaultName: "kv-other",
            properties: { tenantId: "11111111-1111-1111-1111-111111111111", sku: { family: "A", name: "premium" }, enableRbacAuthorization: true, enablePurgeProtection: true, publicNetworkAccess: "Disabled", networkAcls: { bypass: "AzureServices", defaultAction: "Deny" } },
          });
          // A topic on something else does not count for this vault.
          new eventgrid.SystemTopic("storage-topic", { resourceGroupName: RG, source: "/subscriptions/x/resourceGroups/y/providers/Microsoft.Storage/storageAccounts/z", topicType: "Microsoft.Storage.StorageAccounts" }, { dependsOn: [other] });
        },
      }),
    );
    const mine = diags.filter((d) => d.policyId === ID);
    expect(mine).toHaveLength(1);
    expect(mine[0].urn).toContain("kv-other");
    expect(mine[0].message).toContain("no Event Grid system topic");
  });

  it("the component subscribes to exactly the event types the rule requires", () => {
    expect([...REQUIRED_EXPIRY_EVENT_TYPES].sort()).toEqual([...EXPIRY_EVENT_TYPES].sort());
  });
});
