// Credentials about to expire must reach someone: every Key Vault of the stack needs an Event Grid system topic
// (source: the vault) with subscriptions that deliver key and secret near-expiry and expiry events somewhere.
// Key Vault emits *NearExpiry 30 days before an object's expiry and *Expired at it, and only to an existing
// subscription, so a vault without one lets a TDE key or a password lapse silently.
import * as eventgrid from "@pulumi/azure-native/eventgrid";
import * as keyvault from "@pulumi/azure-native/keyvault";
import type { PolicyResource } from "@pulumi/policy";
import { knownOr, label, ofType, usesOutputOf } from "../graph";
import type { StackRule } from "../rule";
import { eqi, show } from "../values";

type Rec = Record<string, unknown>;

export const KEY_VAULT_TOPIC_TYPE = "Microsoft.KeyVault.vaults";
/** Key Vault's event types (Event Grid's Key Vault schema) a vault's subscriptions must cover together. */
export const EXPIRY_EVENT_TYPES = ["Microsoft.KeyVault.KeyNearExpiry", "Microsoft.KeyVault.SecretNearExpiry", "Microsoft.KeyVault.KeyExpired", "Microsoft.KeyVault.SecretExpired"];

function sameId(a: unknown, b: unknown): boolean {
  return typeof a === "string" && typeof b === "string" && a.length > 0 && a.toLowerCase() === b.toLowerCase();
}

/** The topic's subscriptions: linked by `systemTopicName` (an output of the topic), else by a known equal name. */
function subscriptionsOf(topic: PolicyResource, subs: PolicyResource[]): PolicyResource[] {
  return subs.filter((s) => usesOutputOf(s, topic, "systemTopicName") || knownOr(() => sameId(s.props.systemTopicName, topic.props.systemTopicName), false));
}

/** The event types a subscription delivers: `undefined` means every type (no includedEventTypes filter). */
function deliveredTypes(sub: PolicyResource): string[] | undefined {
  const filter = sub.props.filter as Rec | undefined;
  const included = filter?.includedEventTypes;
  return Array.isArray(included) && included.length > 0 ? included.map(String) : undefined;
}

export const kvExpiryAlerts: StackRule = {
  kind: "stack",
  id: "sqlfleet-kv-expiry-alerts",
  title: "Key Vault expiry events reach someone",
  description:
    "Every Key Vault must have an Event Grid system topic (topicType Microsoft.KeyVault.vaults, source the vault) whose event subscriptions deliver KeyNearExpiry, KeyExpired, SecretNearExpiry and SecretExpired to a destination; Key Vault only emits these events to existing subscriptions.",
  level: "mandatory",
  severity: "medium",
  anchors: {
    mcsb: ["DP-6", "IR-3"],
    azurePolicy: ["5ff38825-c5d8-47c5-b70e-069a21955146", "b0eb591a-5e70-4534-a8bf-04b9c489584a"],
    docs: ["learn.microsoft.com: Handle Azure Key Vault events using Azure Monitor alerts (30 days heads-up; CloudEvents v1.0 only)"],
  },
  advisoryParts: "Azure Monitor alert destination without an action group",
  remediation:
    "Create eventgrid.SystemTopic {source: vault.id, topicType: \"Microsoft.KeyVault.vaults\"} and eventgrid.SystemTopicEventSubscription(s) on it for the near-expiry and expired event types with a destination (e.g. endpointType MonitorAlert with the environment's action group); the KeyVaultExpiryAlerts component (CustomerManagedKey expiryAlerts) does this.",
  check({ resources, report, guard }) {
    const topics = ofType(resources, eventgrid.SystemTopic);
    const subs = ofType(resources, eventgrid.SystemTopicEventSubscription);
    for (const vault of ofType(resources, keyvault.Vault)) {
      guard(vault.urn, `expiry alerts of ${label(vault)}`, () => {
        const mine = topics.filter((t) => usesOutputOf(t, vault, "source") || sameId(t.props.source, vault.props.id));
        if (mine.length === 0) {
          report.violation(`${label(vault)} has no Event Grid system topic whose source is the vault: nobody hears when its keys or secrets near expiry or expire`, vault.urn);
          return;
        }
        const typed = mine.filter((t) => eqi(t.props.topicType, KEY_VAULT_TOPIC_TYPE));
        if (typed.length === 0) {
          report.violation(`the system topic of ${label(vault)} has topicType ${show(mine[0].props.topicType)}; must be "${KEY_VAULT_TOPIC_TYPE}"`, vault.urn);
          return;
        }
        let all = false;
        const covered = new Set<string>();
        for (const sub of typed.flatMap((t) => subscriptionsOf(t, subs))) {
          const destination = sub.props.destination as Rec | undefined;
          if (!destination || typeof destination.endpointType !== "string") continue;
          if (eqi(destination.endpointType, "MonitorAlert") && !(Array.isArray(destination.actionGroups) && destination.actionGroups.length > 0)) {
            report.advisory(`${label(sub)} raises Azure Monitor alerts on ${label(vault)} but names no action group: the alerts notify nobody`, sub.urn);
          }
          const types = deliveredTypes(sub);
          if (types === undefined) all = true;
          else for (const t of types) covered.add(t.toLowerCase());
        }
        const missing = all ? [] : EXPIRY_EVENT_TYPES.filter((t) => !covered.has(t.toLowerCase()));
        if (missing.length > 0) report.violation(`${label(vault)}'s system topic has no subscription with a destination for ${missing.join(", ")}`, vault.urn);
      });
    }
  },
};
