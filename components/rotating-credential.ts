// RotatingCredential: where password authentication remains, a random password that rotates when rotationId
// changes, stored as a Key Vault secret with an expiry; the password is always a Pulumi secret
// (under mocks RandomPassword.result is not marked secret, and the engine's marking must not be relied on either).
import * as keyvault from "@pulumi/azure-native/keyvault";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { Validator } from "./validation";

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
  /** Key Vault secret name (1–127 of [0-9a-zA-Z-]); default: the component name. */
  secretName?: string;
  contentType?: string;
}

/** Special characters safe inside ADO.NET / libpq connection strings and shells (no ; ' " @ / \ ` $). */
export const PASSWORD_SPECIALS = "!#%*()-_=+[]{}:?.,~";

/** Checks RotatingCredential args without creating anything; the constructor runs it before registering. */
export function validateRotatingCredentialArgs(name: string, args: RotatingCredentialArgs) {
  const v: Validator = new Validator("RotatingCredential", name);
  v.pattern("rotationId", args.rotationId, /^[A-Za-z0-9._-]{1,64}$/, "1–64 letters, digits, '.', '_' and '-' (e.g. 2026-Q4)");
  v.pattern("issuedOn", args.issuedOn, /^\d{4}-\d{2}-\d{2}$/, "a date YYYY-MM-DD");
  const issued = Date.parse(`${args.issuedOn}T00:00:00Z`);
  v.check(Number.isFinite(issued) && new Date(issued).toISOString().startsWith(args.issuedOn), "issuedOn", args.issuedOn, "a real calendar date YYYY-MM-DD");
  const days = args.expiresInDays ?? 90;
  v.intRange("expiresInDays", days, 1, 365);
  const length = args.length ?? 32;
  v.intRange("length", length, 16, 128);
  const secretName = args.secretName ?? name.replace(/[^0-9a-zA-Z-]/g, "-");
  v.pattern("secretName", secretName, /^[0-9a-zA-Z-]{1,127}$/, "1–127 letters, digits and hyphens");
  return { issued, days, length, secretName };
}

export class RotatingCredential extends pulumi.ComponentResource {
  /** Always a Pulumi secret. */
  readonly password: pulumi.Output<string>;
  /** Versionless secret URI, when stored in Key Vault. */
  readonly secretUri?: pulumi.Output<string>;
  /** Expiry as an ISO date-time. */
  readonly expiresOn: string;

  constructor(name: string, args: RotatingCredentialArgs, opts?: pulumi.ComponentResourceOptions) {
    const { issued, days, length, secretName } = validateRotatingCredentialArgs(name, args);

    super("sqlfleet:security:RotatingCredential", name, {}, opts);
    const expires = issued + days * 86_400_000;
    this.expiresOn = new Date(expires).toISOString();

    const generated = new random.RandomPassword(
      `${name}-password`,
      {
        length,
        special: true,
        overrideSpecial: PASSWORD_SPECIALS,
        minLower: 2,
        minUpper: 2,
        minNumeric: 2,
        minSpecial: 2,
        // Changing either keeper replaces the password: that is the rotation.
        keepers: { rotationId: args.rotationId, issuedOn: args.issuedOn },
      },
      { parent: this },
    );
    this.password = pulumi.secret(generated.result);

    if (args.vault) {
      const secret = new keyvault.Secret(
        `${name}-secret`,
        {
          resourceGroupName: args.vault.resourceGroupName,
          vaultName: args.vault.name,
          secretName,
          properties: {
            value: this.password,
            contentType: args.contentType ?? "text/plain; sqlfleet rotating credential",
            attributes: { enabled: true, notBefore: Math.floor(issued / 1000), expires: Math.floor(expires / 1000) },
          },
          tags: { "managed-by": "sqlfleet", rotationId: args.rotationId },
        },
        { parent: this },
      );
      // Built from names: the `properties` output carries the value and is secret as a whole (public cloud DNS suffix).
      this.secretUri = pulumi.interpolate`https://${args.vault.name}.vault.azure.net/secrets/${secret.name}`;
    }
    this.registerOutputs({ password: this.password, secretUri: this.secretUri, expiresOn: this.expiresOn });
  }
}
