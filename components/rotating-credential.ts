// RotatingCredential: where password authentication remains, a random password that rotates when rotationId
// changes, stored as a Key Vault secret with an expiry; the password is always a Pulumi secret.
import * as pulumi from "@pulumi/pulumi";

export interface RotatingCredentialArgs {
  /** Bump to rotate, e.g. "2026-Q4". */
  rotationId: string;
  /** Date the current password was issued (YYYY-MM-DD); the secret expires expiresInDays later. */
  issuedOn: string;
  /** 1–365; default 90. */
  expiresInDays?: number;
  /** 16–128; default 32. */
  length?: number;
  /** Key Vault to store the secret in. */
  vault?: { name: pulumi.Input<string>; resourceGroupName: pulumi.Input<string> };
  /** Key Vault secret name (1–127 of [0-9a-zA-Z-]). */
  secretName?: string;
  contentType?: string;
}

export class RotatingCredential extends pulumi.ComponentResource {
  /** Always a Pulumi secret. */
  readonly password!: pulumi.Output<string>;
  /** Versionless secret URI, when stored in Key Vault. */
  readonly secretUri?: pulumi.Output<string>;
  /** Expiry as an ISO date-time. */
  readonly expiresOn!: string;

  constructor(name: string, args: RotatingCredentialArgs, opts?: pulumi.ComponentResourceOptions) {
    super("sqlfleet:security:RotatingCredential", name, {}, opts);
    void args;
    throw new Error("RotatingCredential: not implemented yet");
  }
}
