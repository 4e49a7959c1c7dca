// CustomerManagedKey: Key Vault (or an existing one), an RSA key with a rotation policy, a user-assigned identity
// and the Key Vault Crypto Service Encryption User role on the key — everything a TDE protector needs.
import * as pulumi from "@pulumi/pulumi";
import type { CmkRef, Diagnostics, Lock, ProtectionArgs, Tags } from "./types";

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
  diagnostics?: Diagnostics;
  /** Lock on the vault; default CanNotDelete ("None" when deprovisioning). */
  lock?: Lock;
  tags?: Tags;
}

export class CustomerManagedKey extends pulumi.ComponentResource implements CmkRef {
  readonly vaultId!: pulumi.Output<string>;
  readonly vaultName!: pulumi.Output<string>;
  readonly keyId!: pulumi.Output<string>;
  readonly keyUri!: pulumi.Output<string>;
  readonly keyUriWithVersion!: pulumi.Output<string>;
  readonly identityId!: pulumi.Output<string>;
  readonly identityPrincipalId!: pulumi.Output<string>;
  readonly identityClientId!: pulumi.Output<string>;
  readonly readyResources!: pulumi.Resource[];

  constructor(name: string, args: CustomerManagedKeyArgs, opts?: pulumi.ComponentResourceOptions) {
    super("sqlfleet:keyvault:CustomerManagedKey", name, {}, opts);
    void args;
    throw new Error("CustomerManagedKey: not implemented yet");
  }
}
