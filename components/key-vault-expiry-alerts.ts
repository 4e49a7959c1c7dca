// KeyVaultExpiryAlerts: an Event Grid system topic on a Key Vault and subscriptions that turn its near-expiry and
// expiry events into Azure Monitor alerts for the environment's action group. Key Vault emits *NearExpiry 30 days
// before an object's `expires` and *Expired at it, only for objects that carry an expiry and only once a
// subscription exists; Azure Monitor alert destinations accept only CloudEvents v1.0 and only Key Vault sources.
import * as eventgrid from "@pulumi/azure-native/eventgrid";
import * as pulumi from "@pulumi/pulumi";
import { withTags } from "./options";
import type { Tags } from "./types";
import { Validator } from "./validation";

/** The system topic type of a Key Vault (Event Grid's spelling). */
export const KEY_VAULT_TOPIC_TYPE = "Microsoft.KeyVault.vaults";

export type VaultObject = "keys" | "secrets" | "certificates";

const PREFIX: Record<VaultObject, string> = { keys: "Key", secrets: "Secret", certificates: "Certificate" };

/** Event types of one stage ("NearExpiry" or "Expired") for the given vault objects. */
export function keyVaultEventTypes(stage: "NearExpiry" | "Expired", objects: readonly VaultObject[]): string[] {
  return objects.map((o) => `Microsoft.KeyVault.${PREFIX[o]}${stage}`);
}

/** What every vault holding a key or a secret must be subscribed to (the policy checks the same list). */
export const REQUIRED_EXPIRY_EVENT_TYPES = [...keyVaultEventTypes("NearExpiry", ["keys", "secrets"]), ...keyVaultEventTypes("Expired", ["keys", "secrets"])];

const SEVERITIES = ["Sev0", "Sev1", "Sev2", "Sev3", "Sev4"] as const;
export type AlertSeverity = (typeof SEVERITIES)[number];

export interface KeyVaultExpiryAlertsArgs {
  resourceGroupName: pulumi.Input<string>;
  /** The vault's region: a system topic lives where its source does. */
  location: string;
  vaultId: pulumi.Input<string>;
  /** ARM id of the action group the alerts notify. */
  actionGroupId: pulumi.Input<string>;
  /** Default ["keys", "secrets"]; add "certificates" for a vault that holds certificates. */
  objects?: VaultObject[];
  /** Default Sev2 (act within the 30-day window). */
  nearExpirySeverity?: AlertSeverity;
  /** Default Sev1 (something may already have stopped working). */
  expiredSeverity?: AlertSeverity;
  tags?: Tags;
}

/** Checks KeyVaultExpiryAlerts args without creating anything; the constructor runs it before registering. */
export function validateKeyVaultExpiryAlertsArgs(name: string, args: KeyVaultExpiryAlertsArgs) {
  const v = new Validator("KeyVaultExpiryAlerts", name);
  v.pattern("location", args.location, /^[a-z0-9]+$/, "an Azure region name such as westeurope");
  const objects = args.objects ?? ["keys", "secrets"];
  v.check(objects.length > 0, "objects", objects, "at least one of keys, secrets, certificates");
  for (const o of objects) v.oneOf("objects", o, ["keys", "secrets", "certificates"]);
  v.check(new Set(objects).size === objects.length, "objects", objects, "no repeated entries");
  const nearExpirySeverity = args.nearExpirySeverity ?? "Sev2";
  const expiredSeverity = args.expiredSeverity ?? "Sev1";
  v.oneOf("nearExpirySeverity", nearExpirySeverity, SEVERITIES);
  v.oneOf("expiredSeverity", expiredSeverity, SEVERITIES);
  return { objects, nearExpirySeverity, expiredSeverity };
}

export class KeyVaultExpiryAlerts extends pulumi.ComponentResource {
  readonly topic: eventgrid.SystemTopic;
  readonly nearExpiry: eventgrid.SystemTopicEventSubscription;
  readonly expired: eventgrid.SystemTopicEventSubscription;

  constructor(name: string, args: KeyVaultExpiryAlertsArgs, opts?: pulumi.ComponentResourceOptions) {
    const { objects, nearExpirySeverity, expiredSeverity } = validateKeyVaultExpiryAlertsArgs(name, args);

    super("sqlfleet:keyvault:KeyVaultExpiryAlerts", name, {}, opts);
    const tags = withTags(args.tags);
    this.topic = new eventgrid.SystemTopic(
      `${name}-topic`,
      { resourceGroupName: args.resourceGroupName, location: args.location, source: args.vaultId, topicType: KEY_VAULT_TOPIC_TYPE, tags },
      { parent: this },
    );
    const subscription = (stage: "NearExpiry" | "Expired", severity: AlertSeverity, description: string) =>
      new eventgrid.SystemTopicEventSubscription(
        `${name}-${stage === "NearExpiry" ? "near-expiry" : "expired"}`,
        {
          resourceGroupName: args.resourceGroupName,
          systemTopicName: this.topic.name,
          eventSubscriptionName: stage === "NearExpiry" ? "sqlfleet-near-expiry" : "sqlfleet-expired",
          eventDeliverySchema: "CloudEventSchemaV1_0",
          filter: { includedEventTypes: keyVaultEventTypes(stage, objects) },
          destination: { endpointType: "MonitorAlert", severity, description, actionGroups: [args.actionGroupId] },
        },
        { parent: this },
      );
    this.nearExpiry = subscription("NearExpiry", nearExpirySeverity, "sqlfleet: a Key Vault key or secret expires within 30 days; rotate it (sqlfleet credentials <stack>)");
    this.expired = subscription("Expired", expiredSeverity, "sqlfleet: a Key Vault key or secret has expired; rotate it now");
    this.registerOutputs({ topicId: this.topic.id });
  }
}
