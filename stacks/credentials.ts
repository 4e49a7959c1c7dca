// `sqlfleet credentials <stack>`: every Key Vault key and secret a stack (an environment: with its customer
// stacks) creates, with its expiry, its next rotation and whether the vault's expiry events reach an action group.
// Read from the offline recording of the real stack programs (no Azure), so it shows what a deploy would make now.
import type { RecordedResource, Recording } from "../offline/recorder";
import { stackKind } from "./config/shared";
import { Fleet } from "./fleet-model";
import { recordStack } from "./record-stack";

type Rec = Record<string, unknown>;

export interface CredentialRow {
  stack: string;
  vault: string;
  kind: "key" | "secret";
  name: string;
  /** ISO date-time when absolute; for a key with a rotation policy, the policy's lifetime per version. */
  expires: string;
  /** When the next rotation happens (or is due), and by whom. */
  nextRotation: string;
  /** How rotation is driven. */
  rotation: string;
  /** The vault has a Key Vault system topic with near-expiry and expired subscriptions. */
  expiryAlerts: boolean;
}

export interface CredentialReport {
  stack: string;
  kind: "environment" | "customer";
  /** The stacks read (an environment: itself and its committed customer stacks). */
  stacks: string[];
  credentials: CredentialRow[];
  /** Customer stacks whose config did not validate (left out, named here). */
  skipped: { stack: string; error: string }[];
}

const NEAR = ["Microsoft.KeyVault.KeyNearExpiry", "Microsoft.KeyVault.SecretNearExpiry"];
const EXPIRED = ["Microsoft.KeyVault.KeyExpired", "Microsoft.KeyVault.SecretExpired"];

function iso(seconds: unknown): string | undefined {
  return typeof seconds === "number" ? new Date(seconds * 1000).toISOString() : undefined;
}

/** Vaults (by Azure name) whose system topic has subscriptions covering near-expiry and expiry events. */
function alertedVaults(recording: Recording): Set<string> {
  const out = new Set<string>();
  const subs = recording.ofType("azure-native:eventgrid:SystemTopicEventSubscription");
  for (const topic of recording.ofType("azure-native:eventgrid:SystemTopic")) {
    if (String(topic.inputs.topicType).toLowerCase() !== "microsoft.keyvault.vaults") continue;
    const types = new Set(
      subs
        .filter((s) => (s.propertyDependencies.systemTopicName ?? []).includes(topic.urn) && s.inputs.destination)
        .flatMap((s) => (((s.inputs.filter as Rec | undefined)?.includedEventTypes as string[] | undefined) ?? [...NEAR, ...EXPIRED])),
    );
    if (![...NEAR, ...EXPIRED].every((t) => types.has(t))) continue;
    const vault = recording.ofType("azure-native:keyvault:Vault").find((v) => (topic.propertyDependencies.source ?? []).includes(v.urn) || v.outputs.id === topic.inputs.source);
    if (vault) out.add(String(vault.outputs.name));
    else if (typeof topic.inputs.source === "string") out.add(topic.inputs.source.split("/").pop() ?? "");
  }
  return out;
}

function keyRow(stack: string, k: RecordedResource, alerted: Set<string>): CredentialRow {
  const props = (k.inputs.properties as Rec | undefined) ?? {};
  const policy = props.rotationPolicy as Rec | undefined;
  const lifetime = (policy?.attributes as Rec | undefined)?.expiryTime as string | undefined;
  const actions = ((policy?.lifetimeActions as Rec[] | undefined) ?? []).filter((a) => (a.action as Rec | undefined)?.type === "rotate");
  const trigger = (actions[0]?.trigger as Rec | undefined) ?? {};
  const absolute = iso((props.attributes as Rec | undefined)?.expires);
  const vault = String(k.inputs.vaultName);
  return {
    stack,
    vault,
    kind: "key",
    name: String(k.outputs.name ?? k.name),
    // A version's dates are Azure's (set when it rotates); the plan knows the policy, not the version.
    expires: absolute ?? (lifetime ? `${lifetime} after each version is created` : "never"),
    nextRotation: trigger.timeBeforeExpiry ? `automatic, ${String(trigger.timeBeforeExpiry)} before expiry` : trigger.timeAfterCreate ? `automatic, ${String(trigger.timeAfterCreate)} after creation` : "none",
    rotation: actions.length > 0 ? "Key Vault rotation policy (no deploy needed)" : "none",
    expiryAlerts: alerted.has(vault),
  };
}

function secretRow(stack: string, s: RecordedResource, alerted: Set<string>): CredentialRow {
  // Only attributes and tags are read: the value stays inside its secret.
  const attributes = ((s.inputs.properties as Rec | undefined)?.attributes as Rec | undefined) ?? {};
  const tags = (s.inputs.tags as Record<string, string> | undefined) ?? {};
  const vault = String(s.inputs.vaultName);
  const days = tags["rotation-days"];
  return {
    stack,
    vault,
    kind: "secret",
    name: String(s.inputs.secretName ?? s.outputs.name ?? s.name),
    expires: iso(attributes.expires) ?? "never",
    nextRotation: tags["next-rotation"] ? `${tags["next-rotation"]} (first deploy on or after)` : "none",
    rotation: days ? `every ${days} days (time-driven)` : "none (static secret)",
    expiryAlerts: alerted.has(vault),
  };
}

/** The credential rows of one recording. */
export function credentialRows(stack: string, recording: Recording): CredentialRow[] {
  const alerted = alertedVaults(recording);
  return [
    ...recording.ofType("azure-native:keyvault:Key").map((k) => keyRow(stack, k, alerted)),
    ...recording.ofType("azure-native:keyvault:Secret").map((s) => secretRow(stack, s, alerted)),
  ];
}

export interface CredentialOptions {
  fleet?: Fleet;
  /** Read this config file instead of Pulumi.<stack>.yaml (for the named stack only). */
  configFile?: string;
}

/** Records the stack (and an environment's customer stacks) and lists their keys and secrets. */
export async function credentialReport(stack: string, opts: CredentialOptions = {}): Promise<CredentialReport> {
  const kind = stackKind(stack);
  const fleet = opts.fleet ?? new Fleet();
  const stacks = [stack];
  const skipped: CredentialReport["skipped"] = [];
  if (kind.kind === "environment") {
    fleet.environmentConfig(stack, opts.configFile ?? fleet.stackFile(stack)); // invalid input before any recording
    const { members, invalid } = fleet.members(stack);
    stacks.push(...members.map((m) => m.stack));
    skipped.push(...invalid);
  }
  const credentials: CredentialRow[] = [];
  for (const s of stacks) {
    // Recording is promise-only work: give timers and I/O a turn between stacks (a whole environment takes a while).
    await new Promise((resolve) => setImmediate(resolve));
    const { recording } = await recordStack(s, { fleet, ...(s === stack && opts.configFile ? { configFile: opts.configFile } : {}), ...(s !== stack && opts.configFile ? { environmentConfigFile: opts.configFile } : {}) });
    credentials.push(...credentialRows(s, recording));
  }
  return { stack, kind: kind.kind, stacks, credentials, skipped };
}
