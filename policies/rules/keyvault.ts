// Key Vault rules for the vaults and keys behind CMK: recoverability, RBAC, network, key strength, rotation,
// and secret hygiene (research/policies.md §5.3, §5.7).
import * as keyvault from "@pulumi/azure-native/keyvault";
import type { ResourceRule } from "../rule";
import { cfgNumber, cfgNumbers, cfgString, eqi, isBlank, isOpenCidr, isoDurationDays, show } from "../values";

type Rec = Record<string, unknown>;

function vaultProps(props: Rec): Rec {
  return (props.properties as Rec | undefined) ?? {};
}

/** Shared with the CMK-chain stack rule: why a vault could not protect a TDE key (empty = fine). */
export function vaultRecoverabilityProblems(props: Rec, minSoftDeleteDays: number): string[] {
  const p = vaultProps(props);
  const out: string[] = [];
  if (p.enablePurgeProtection !== true) out.push(`enablePurgeProtection is ${show(p.enablePurgeProtection)}; must be true`);
  if (p.enableSoftDelete === false) out.push("enableSoftDelete is false; must stay on");
  const days = p.softDeleteRetentionInDays;
  if (days !== undefined && (typeof days !== "number" || days < minSoftDeleteDays)) out.push(`softDeleteRetentionInDays is ${show(days)}; must be ≥ ${minSoftDeleteDays}`);
  return out;
}

export const kvRecoverable: ResourceRule = {
  kind: "resource",
  id: "sqlfleet-kv-recoverable",
  title: "Key Vault is recoverable",
  description: "Key vaults must have purge protection and soft delete with at least the configured retention; SQL refuses a TDE protector in a vault without them.",
  level: "mandatory",
  severity: "high",
  types: [keyvault.Vault],
  anchors: {
    mcsb: ["DP-8"],
    azurePolicy: ["0b60c0b2-2dc2-4e1c-b5c9-abbed971de53", "1e66c121-a66a-4b1f-9b83-0fd99bf0fc2d"],
    cis: ["CIS Azure 3.0 3.3.5"],
    checkov: ["CKV_AZURE_42", "CKV_AZURE_110", "CKV_AZURE_111"],
    pulumi: ["key-vault-purge-protection", "key-vault-soft-delete"],
  },
  remediation: "Set properties.enablePurgeProtection: true, leave enableSoftDelete on and softDeleteRetentionInDays at 90 (create-time only).",
  config: {
    minSoftDeleteDays: { type: "integer", minimum: 7, maximum: 90, default: 90, description: "Minimum softDeleteRetentionInDays (unset means Azure's 90)." },
  },
  check({ props, cfg, report }) {
    for (const m of vaultRecoverabilityProblems(props, cfgNumber(cfg, "minSoftDeleteDays"))) report.violation(m);
  },
};

export const kvRbac: ResourceRule = {
  kind: "resource",
  id: "sqlfleet-kv-rbac",
  title: "Key Vault uses Azure RBAC",
  description: "Key vaults must use the Azure RBAC permission model and carry no legacy access policies.",
  level: "mandatory",
  severity: "high",
  types: [keyvault.Vault],
  anchors: {
    mcsb: ["PA-7"],
    azurePolicy: ["12d4fa5e-1f9f-4c21-97a9-b99b3c6611b5"],
    cis: ["CIS Azure 3.0 3.3.6"],
    pci: ["7.2.4"],
    pulumi: ["keyvault-rbac-least-privilege"],
  },
  remediation: "Set properties.enableRbacAuthorization: true (SDK default is false), drop accessPolicies, grant Key Vault Crypto Service Encryption User on the key.",
  check({ props, report }) {
    const p = vaultProps(props);
    if (p.enableRbacAuthorization !== true) report.violation(`enableRbacAuthorization is ${show(p.enableRbacAuthorization)}; must be true`);
    if (Array.isArray(p.accessPolicies) && p.accessPolicies.length > 0) report.violation(`accessPolicies has ${p.accessPolicies.length} entries; use RBAC role assignments instead`);
  },
};

export const kvNetwork: ResourceRule = {
  kind: "resource",
  id: "sqlfleet-kv-network",
  title: "Key Vault is closed to public networks",
  description: "Key vaults must disable public network access or deny by default without open IP rules, and let trusted Azure services through for TDE.",
  level: "mandatory",
  severity: "high",
  types: [keyvault.Vault],
  anchors: {
    mcsb: ["NS-2", "DP-8"],
    azurePolicy: ["55615ac9-af46-4a59-874e-391cc3dfb490", "405c5871-3e91-4644-8a63-58e19d68ff5b"],
    checkov: ["CKV_AZURE_109", "CKV_AZURE_189"],
    pci: ["1.4.4"],
    pulumi: ["key-vault-network-access"],
  },
  remediation: 'Set properties.publicNetworkAccess: "Disabled" and networkAcls: {defaultAction: "Deny", bypass: "AzureServices"}.',
  check({ props, report }) {
    const p = vaultProps(props);
    const acls = (p.networkAcls as Rec | undefined) ?? {};
    const ipRules = Array.isArray(acls.ipRules) ? (acls.ipRules as Rec[]) : [];
    const open = ipRules.filter((r) => isOpenCidr(r?.value));
    const closed = eqi(p.publicNetworkAccess, "Disabled") || (eqi(acls.defaultAction, "Deny") && open.length === 0);
    if (!closed) {
      report.violation(`publicNetworkAccess is ${show(p.publicNetworkAccess)} and networkAcls.defaultAction is ${show(acls.defaultAction)}${open.length ? " with an open IP rule" : ""}; disable public access or deny by default`);
    }
    if (!eqi(acls.bypass, "AzureServices")) report.violation(`networkAcls.bypass is ${show(acls.bypass)}; must be "AzureServices" so SQL and PostgreSQL can reach the CMK`);
  },
};

export const kvKeyStrength: ResourceRule = {
  kind: "resource",
  id: "sqlfleet-kv-key-strength",
  title: "CMK keys are RSA of an allowed size, HSM-backed in production",
  description: "Keys must be RSA (HSM-backed where required) with an allowed key size; SQL TDE accepts only RSA 2048 or 3072.",
  level: "mandatory",
  severity: "high",
  types: [keyvault.Key],
  anchors: {
    mcsb: ["DP-5", "DP-6"],
    azurePolicy: ["82067dbb-e53b-4e06-b631-546d197452d9", "75c4f823", "587c79fe-dd04-4a5e-9d0b-f89598c7261b"],
    checkov: ["CKV_AZURE_112"],
    pci: ["3.6.1", "3.7.1"],
    pulumi: ["key-vault-key-configuration"],
  },
  remediation: 'Create the key with kty: "RSA-HSM" (premium vault) and keySize: 3072.',
  config: {
    allowedKeySizes: { type: "array", items: { type: "integer", enum: [2048, 3072, 4096] }, default: [3072], description: "Accepted RSA key sizes (SQL TDE: 2048/3072; PostgreSQL: up to 4096)." },
    requireHsm: { type: "string", enum: ["always", "production", "never"], default: "production", description: 'Where RSA-HSM is required instead of software RSA.' },
  },
  check({ props, cfg, production, report }) {
    const p = (props.properties as Rec | undefined) ?? {};
    const kty = p.kty;
    const mode = cfgString(cfg, "requireHsm");
    const hsm = mode === "always" || (mode === "production" && production);
    const allowedKty = hsm ? ["RSA-HSM"] : ["RSA", "RSA-HSM"];
    if (typeof kty !== "string" || !allowedKty.includes(kty)) {
      report.violation(`kty is ${show(kty)}; allowed: ${allowedKty.join(", ")}${hsm ? " (HSM required in this stack)" : ""}`);
    }
    const sizes = cfgNumbers(cfg, "allowedKeySizes");
    if (typeof p.keySize !== "number" || !sizes.includes(p.keySize)) {
      report.violation(`keySize is ${show(p.keySize)}${p.keySize === undefined ? " (Azure default 2048)" : ""}; allowed: ${sizes.join(", ")}`);
    }
  },
};

export const kvKeyRotation: ResourceRule = {
  kind: "resource",
  id: "sqlfleet-kv-key-rotation",
  title: "CMK keys rotate automatically and expire",
  description: "Keys must carry a rotation policy that rotates within the configured interval and sets an expiry time.",
  level: "mandatory",
  severity: "medium",
  types: [keyvault.Key],
  anchors: {
    mcsb: ["DP-6"],
    azurePolicy: ["d8cf8476-a2ec-4916-896e-992351803c44", "152b15f7-8e1f-4c1f-ab71-8c010ba5dbc0"],
    cis: ["CIS Azure 3.0 3.3.1", "CIS Azure 3.0 3.3.8"],
    checkov: ["CKV_AZURE_40"],
    pci: ["3.6.1", "3.7.4"],
    pulumi: ["key-vault-key-rotation"],
  },
  remediation: 'Set properties.rotationPolicy: {attributes: {expiryTime: "P1Y"}, lifetimeActions: [{trigger: {timeBeforeExpiry: "P30D"}, action: {type: "rotate"}}, {trigger: {timeBeforeExpiry: "P30D"}, action: {type: "notify"}}]}.',
  advisoryParts: "no notify action",
  config: {
    maxRotationInterval: { type: "string", pattern: "^P", default: "P1Y", description: "Longest timeAfterCreate for the rotate action (ISO-8601)." },
  },
  check({ props, cfg, report }) {
    const p = (props.properties as Rec | undefined) ?? {};
    const policy = p.rotationPolicy as Rec | undefined;
    if (!policy) {
      report.violation("rotationPolicy is unset; the key never rotates");
      return;
    }
    const actions = Array.isArray(policy.lifetimeActions) ? (policy.lifetimeActions as Rec[]) : [];
    const type = (a: Rec) => String((a.action as Rec | undefined)?.type ?? "").toLowerCase();
    const trigger = (a: Rec) => (a.trigger as Rec | undefined) ?? {};
    const max = cfgString(cfg, "maxRotationInterval") ?? "P1Y";
    const maxDays = isoDurationDays(max) ?? 365;
    const expiry = (policy.attributes as Rec | undefined)?.expiryTime;
    const rotates = actions.filter((a) => type(a) === "rotate");
    const rotatesInTime = rotates.some((a) => {
      const t = trigger(a);
      if (!isBlank(t.timeBeforeExpiry)) return true;
      const after = isoDurationDays(t.timeAfterCreate);
      return after !== undefined && after <= maxDays;
    });
    if (!rotatesInTime) report.violation(`rotationPolicy has no rotate action triggered by timeBeforeExpiry or by timeAfterCreate ≤ ${max}`);
    if (isBlank(expiry)) report.violation("rotationPolicy.attributes.expiryTime is unset; keys must expire");
    if (!actions.some((a) => type(a) === "notify")) report.advisory("rotationPolicy has no notify action; owners are not warned before expiry");
  },
};

export const kvSecretHygiene: ResourceRule = {
  kind: "resource",
  id: "sqlfleet-kv-secret-hygiene",
  title: "Key Vault secrets expire and declare a content type",
  description: "Secrets should carry an expiry date and a content type.",
  level: "advisory",
  severity: "low",
  types: [keyvault.Secret],
  anchors: {
    mcsb: ["DP-6"],
    azurePolicy: ["98728c90-32c7-4049-8429-847dc0f4fe37", "75262d3e"],
    cis: ["CIS Azure 3.0 3.3.3", "CIS Azure 3.0 3.3.4"],
    checkov: ["CKV_AZURE_41", "CKV_AZURE_114"],
  },
  remediation: "Set properties.attributes.expires (epoch seconds) and properties.contentType.",
  check({ props, report }) {
    const p = (props.properties as Rec | undefined) ?? {};
    const expires = (p.attributes as Rec | undefined)?.expires;
    if (typeof expires !== "number" || expires <= 0) report.violation(`attributes.expires is ${show(expires)}; secrets must expire`);
    if (isBlank(p.contentType)) report.violation("contentType is unset");
  },
};

export const keyVaultRules: ResourceRule[] = [kvRecoverable, kvRbac, kvNetwork, kvKeyStrength, kvKeyRotation, kvSecretHygiene];
