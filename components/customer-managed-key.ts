// CustomerManagedKey: Key Vault (or an existing one), an RSA key with a rotation policy, a user-assigned identity
// and the Key Vault Crypto Service Encryption User role on the key — everything a TDE protector needs.
import * as authorization from "@pulumi/azure-native/authorization";
import * as keyvault from "@pulumi/azure-native/keyvault";
import * as managedidentity from "@pulumi/azure-native/managedidentity";
import * as pulumi from "@pulumi/pulumi";
import { CMK_KEY_SIZES } from "../placement/limits";
import { diagnosticSetting } from "./diagnostics";
import { KeyVaultExpiryAlerts } from "./key-vault-expiry-alerts";
import { keyMaterialOptions, lockResource, withTags } from "./options";
import { privateEndpoint } from "./private-endpoint";
import type { CmkRef, Diagnostics, Lock, PrivateAccess, ProtectionArgs, Tags } from "./types";
import { ISO_DURATION, Validator } from "./validation";

/** Built-in role "Key Vault Crypto Service Encryption User" (get, wrapKey, unwrapKey on keys of RBAC vaults). */
export const CRYPTO_SERVICE_ENCRYPTION_USER_ROLE = "e147488a-f6f5-4113-8e2d-b22465e65bf6";

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface CustomerManagedKeyArgs extends ProtectionArgs {
  resourceGroupName: pulumi.Input<string>;
  location: string;
  tenantId: string;
  /** Azure vault name (3–24 chars, globally unique); default: auto-named. */
  vaultName?: string;
  /** Use this vault instead of creating one (its soft delete / purge protection are the caller's responsibility). */
  existingVault?: { id: pulumi.Input<string>; name: pulumi.Input<string> };
  vaultSku?: "standard" | "premium";
  keyName?: string;
  /** Default RSA-HSM on premium vaults, RSA otherwise. */
  keyType?: "RSA" | "RSA-HSM";
  /** 2048 or 3072 (placement/limits CMK_KEY_SIZES); default 3072. */
  keySize?: number;
  /** Key rotation policy: key expiry and how long before expiry to rotate; default P1Y / P30D. */
  rotation?: { expiryTime?: string; rotateBefore?: string };
  /** Other principals that must use the key (e.g. a failover partner's identity), by a stable role name. */
  additionalPrincipals?: Record<string, pulumi.Input<string>>;
  /** Subnets allowed through the vault firewall (trusted Azure services always bypass). */
  allowedSubnetIds?: pulumi.Input<string>[];
  /** Private endpoint for the vault (privatelink.vaultcore.azure.net); not for an existing vault. */
  privateAccess?: PrivateAccess;
  diagnostics?: Diagnostics;
  /**
   * Near-expiry and expiry events of the vault's keys and secrets as Azure Monitor alerts to this action group
   * (an Event Grid system topic on the vault); only for a vault this component creates.
   */
  expiryAlerts?: { actionGroupId: pulumi.Input<string> };
  /** Lock on the vault; default CanNotDelete ("None" when deprovisioning). */
  lock?: Lock;
  tags?: Tags;
}

/** The role definition id for a subscription, derived from any ARM id in it. */
export function cryptoUserRoleDefinitionId(armIdInSubscription: pulumi.Input<string>): pulumi.Output<string> {
  return pulumi.output(armIdInSubscription).apply((id) => {
    const sub = id.split("/")[2];
    return `/subscriptions/${sub}/providers/Microsoft.Authorization/roleDefinitions/${CRYPTO_SERVICE_ENCRYPTION_USER_ROLE}`;
  });
}

/** Checks CustomerManagedKey args without creating anything; the constructor runs it before registering. */
export function validateCustomerManagedKeyArgs(name: string, args: CustomerManagedKeyArgs) {
  const v: Validator = new Validator("CustomerManagedKey", name);
  const sku = args.vaultSku ?? "standard";
  const keyType = args.keyType ?? (sku === "premium" ? "RSA-HSM" : "RSA");
  const keySize = args.keySize ?? 3072;
  const expiryTime = args.rotation?.expiryTime ?? "P1Y";
  const rotateBefore = args.rotation?.rotateBefore ?? "P30D";
  v.pattern("tenantId", args.tenantId, GUID, "a tenant GUID");
  v.pattern("location", args.location, /^[a-z0-9]+$/, "an Azure region name such as westeurope");
  v.oneOf("vaultSku", sku, ["standard", "premium"]);
  v.oneOf("keyType", keyType, ["RSA", "RSA-HSM"]);
  v.oneOf("keySize", keySize, CMK_KEY_SIZES);
  if (keyType === "RSA-HSM" && !args.existingVault) v.check(sku === "premium", "keyType", keyType, `RSA with a standard vault; RSA-HSM needs vaultSku "premium"`);
  if (args.vaultName !== undefined) {
    v.pattern("vaultName", args.vaultName, /^[a-zA-Z][a-zA-Z0-9-]{1,22}[a-zA-Z0-9]$/, "3–24 letters, digits and hyphens, starting with a letter");
  }
  if (args.keyName !== undefined) v.pattern("keyName", args.keyName, /^[a-zA-Z0-9-]{1,127}$/, "1–127 letters, digits and hyphens");
  v.pattern("rotation.expiryTime", expiryTime, ISO_DURATION, "an ISO-8601 duration such as P1Y");
  v.pattern("rotation.rotateBefore", rotateBefore, ISO_DURATION, "an ISO-8601 duration such as P30D");
  if (args.vaultName !== undefined && args.existingVault) v.fail("vaultName", args.vaultName, "not set together with existingVault");
  if (args.expiryAlerts && args.existingVault) v.fail("expiryAlerts", "(set)", "not set together with existingVault (one system topic per vault: its owner subscribes)");
  if (args.privateAccess && args.existingVault) v.fail("privateAccess", "(set)", "not set together with existingVault (the vault's owner manages its endpoints)");
  v.oneOf("lock", args.lock ?? "CanNotDelete", ["CanNotDelete", "ReadOnly", "None"]);
  return { sku, keyType, keySize, expiryTime, rotateBefore };
}

export class CustomerManagedKey extends pulumi.ComponentResource implements CmkRef {
  readonly vault?: keyvault.Vault;
  readonly key: keyvault.Key;
  readonly identity: managedidentity.UserAssignedIdentity;
  readonly vaultId: pulumi.Output<string>;
  readonly vaultName: pulumi.Output<string>;
  readonly keyId: pulumi.Output<string>;
  /** Versionless: the TDE protector follows new versions (auto-rotation). */
  readonly keyUri: pulumi.Output<string>;
  readonly keyUriWithVersion: pulumi.Output<string>;
  readonly identityId: pulumi.Output<string>;
  readonly identityPrincipalId: pulumi.Output<string>;
  readonly identityClientId: pulumi.Output<string>;
  /** The role assignments a server must wait for before it can use the key. */
  readonly readyResources: pulumi.Resource[];
  readonly keySize: number;
  readonly keyType: "RSA" | "RSA-HSM";

  constructor(name: string, args: CustomerManagedKeyArgs, opts?: pulumi.ComponentResourceOptions) {
    const { sku, keyType, keySize, expiryTime, rotateBefore } = validateCustomerManagedKeyArgs(name, args);

    super("sqlfleet:keyvault:CustomerManagedKey", name, {}, opts);
    this.keySize = keySize;
    this.keyType = keyType;
    const tags = withTags(args.tags);

    if (args.existingVault) {
      this.vaultId = pulumi.output(args.existingVault.id);
      this.vaultName = pulumi.output(args.existingVault.name);
    } else {
      this.vault = new keyvault.Vault(
        `${name}-vault`,
        {
          resourceGroupName: args.resourceGroupName,
          location: args.location,
          vaultName: args.vaultName,
          tags,
          properties: {
            tenantId: args.tenantId,
            sku: { family: "A", name: sku },
            enableRbacAuthorization: true,
            enableSoftDelete: true,
            softDeleteRetentionInDays: 90,
            enablePurgeProtection: true,
            publicNetworkAccess: "disabled",
            networkAcls: {
              bypass: "AzureServices",
              defaultAction: "Deny",
              virtualNetworkRules: (args.allowedSubnetIds ?? []).map((id) => ({ id })),
            },
            enabledForDeployment: false,
            enabledForDiskEncryption: false,
            enabledForTemplateDeployment: false,
          },
        },
        keyMaterialOptions(this, args.deprovision),
      );
      this.vaultId = this.vault.id;
      this.vaultName = this.vault.name;
    }

    this.key = new keyvault.Key(
      `${name}-key`,
      {
        resourceGroupName: args.resourceGroupName,
        vaultName: this.vaultName,
        keyName: args.keyName,
        tags,
        properties: {
          kty: keyType,
          keySize,
          keyOps: ["wrapKey", "unwrapKey"],
          attributes: { enabled: true },
          rotationPolicy: {
            attributes: { expiryTime },
            lifetimeActions: [
              { trigger: { timeBeforeExpiry: rotateBefore }, action: { type: "rotate" } },
              { trigger: { timeBeforeExpiry: rotateBefore }, action: { type: "notify" } },
            ],
          },
        },
      },
      keyMaterialOptions(this, args.deprovision, { dependsOn: this.vault ? [this.vault] : [] }),
    );

    this.identity = new managedidentity.UserAssignedIdentity(`${name}-identity`, { resourceGroupName: args.resourceGroupName, location: args.location, tags }, { parent: this });

    const roleDefinitionId = cryptoUserRoleDefinitionId(this.key.id);
    const grant = (role: string, principalId: pulumi.Input<string>) =>
      new authorization.RoleAssignment(
        `${name}-${role}`,
        { scope: this.key.id, principalId, principalType: "ServicePrincipal", roleDefinitionId, description: "sqlfleet: TDE protector access" },
        { parent: this },
      );
    this.readyResources = [grant("crypto-user", this.identity.principalId)];
    for (const [role, principalId] of Object.entries(args.additionalPrincipals ?? {})) {
      this.readyResources.push(grant(`crypto-user-${role}`, principalId));
    }

    if (this.vault) {
      if (args.privateAccess) {
        privateEndpoint(`${name}-vault`, { resourceGroupName: args.resourceGroupName, location: args.location, targetId: this.vault.id, groupId: "vault", access: args.privateAccess, tags }, { parent: this });
      }
      if (args.expiryAlerts) {
        new KeyVaultExpiryAlerts(`${name}-vault-expiry`, { resourceGroupName: args.resourceGroupName, location: args.location, vaultId: this.vault.id, actionGroupId: args.expiryAlerts.actionGroupId, tags }, { parent: this });
      }
      if (args.diagnostics) diagnosticSetting(`${name}-vault-diag`, this.vault.id, "vault", args.diagnostics, { parent: this });
      lockResource(`${name}-vault-lock`, this.vault.id, args.lock ?? "CanNotDelete", args.deprovision, this, [this.key]);
    }

    this.keyId = this.key.id;
    this.keyUri = this.key.keyUri;
    this.keyUriWithVersion = this.key.keyUriWithVersion;
    this.identityId = this.identity.id;
    this.identityPrincipalId = this.identity.principalId;
    this.identityClientId = this.identity.clientId;
    this.registerOutputs({
      vaultId: this.vaultId,
      keyUri: this.keyUri,
      keyUriWithVersion: this.keyUriWithVersion,
      identityId: this.identityId,
      identityPrincipalId: this.identityPrincipalId,
    });
  }
}
