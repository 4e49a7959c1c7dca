// RotatingCredential: where password authentication remains, a random password that rotates on a schedule, stored
// as a Key Vault secret with an expiry. Rotation is driven by time, not by a hand-bumped id: time is cut into
// periods of `rotationDays` counted from the Unix epoch, the password is keyed on the current period's start, so
// the first `pulumi up` after a period ends replaces it and writes a new secret version. The secret expires
// NEAR_EXPIRY_LEAD_DAYS after the rotation is due, so Key Vault's SecretNearExpiry event (30 days before expiry)
// fires exactly when a rotation is due and no deploy has made it, and SecretExpired a lead later.
// Consumers read the versionless secret URI (`secretUri`), i.e. the current version: rotation needs no redeploy
// of them. The password is always a Pulumi secret (under mocks RandomPassword.result is not marked secret, and
// the engine's marking must not be relied on either).
import * as keyvault from "@pulumi/azure-native/keyvault";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { Validator } from "./validation";

const DAY_MS = 86_400_000;
/** How long before `expires` Key Vault emits SecretNearExpiry (Event Grid Key Vault schema: 30 days). */
export const NEAR_EXPIRY_LEAD_DAYS = 30;
/** Allowed rotation periods in days (the environment's `credentialRotationDays`). */
export const ROTATION_DAYS = { min: 7, max: 365, default: 90 } as const;

export interface RotatingCredentialArgs {
  /** Days between rotations (7–365); default 90. */
  rotationDays?: number;
  /** The instant whose rotation period is current; default the time the program runs. */
  now?: Date;
  /** 16–128; default 32. */
  length?: number;
  /** Key Vault to store the secret in. */
  vault?: { name: pulumi.Input<string>; resourceGroupName: pulumi.Input<string> };
  /** Key Vault secret name (1–127 of [0-9a-zA-Z-]); default: the component name. */
  secretName?: string;
  contentType?: string;
}

export interface RotationWindow {
  /** Start of the current period: when this password version was due (ISO). */
  issuedOn: string;
  /** End of the current period: the first deploy after it rotates the password (ISO). */
  nextRotationOn: string;
  /** The secret's `expires`: the rotation is due NEAR_EXPIRY_LEAD_DAYS before it (ISO). */
  expiresOn: string;
}

/** The rotation period containing `now`, for a period of `rotationDays` counted from the Unix epoch. */
export function rotationWindow(rotationDays: number, now: Date): RotationWindow {
  const period = rotationDays * DAY_MS;
  const issued = Math.floor(now.getTime() / period) * period;
  const next = issued + period;
  return { issuedOn: new Date(issued).toISOString(), nextRotationOn: new Date(next).toISOString(), expiresOn: new Date(next + NEAR_EXPIRY_LEAD_DAYS * DAY_MS).toISOString() };
}

/** Special characters safe inside ADO.NET / libpq connection strings and shells (no ; ' " @ / \ ` $). */
export const PASSWORD_SPECIALS = "!#%*()-_=+[]{}:?.,~";

/** Checks RotatingCredential args without creating anything; the constructor runs it before registering. */
export function validateRotatingCredentialArgs(name: string, args: RotatingCredentialArgs) {
  const v: Validator = new Validator("RotatingCredential", name);
  const rotationDays = args.rotationDays ?? ROTATION_DAYS.default;
  v.intRange("rotationDays", rotationDays, ROTATION_DAYS.min, ROTATION_DAYS.max);
  const now = args.now ?? new Date();
  v.check(Number.isFinite(now.getTime()), "now", String(now), "a valid date");
  const length = args.length ?? 32;
  v.intRange("length", length, 16, 128);
  const secretName = args.secretName ?? name.replace(/[^0-9a-zA-Z-]/g, "-");
  v.pattern("secretName", secretName, /^[0-9a-zA-Z-]{1,127}$/, "1–127 letters, digits and hyphens");
  return { rotationDays, window: rotationWindow(rotationDays, now), length, secretName };
}

export class RotatingCredential extends pulumi.ComponentResource {
  /** Always a Pulumi secret. */
  readonly password: pulumi.Output<string>;
  /** Versionless secret URI (always the current version), when stored in Key Vault. */
  readonly secretUri?: pulumi.Output<string>;
  readonly rotationDays: number;
  readonly issuedOn: string;
  readonly nextRotationOn: string;
  /** Expiry of the secret as an ISO date-time. */
  readonly expiresOn: string;

  constructor(name: string, args: RotatingCredentialArgs, opts?: pulumi.ComponentResourceOptions) {
    const { rotationDays, window, length, secretName } = validateRotatingCredentialArgs(name, args);

    super("sqlfleet:security:RotatingCredential", name, {}, opts);
    this.rotationDays = rotationDays;
    this.issuedOn = window.issuedOn;
    this.nextRotationOn = window.nextRotationOn;
    this.expiresOn = window.expiresOn;
    const seconds = (iso: string) => Math.floor(Date.parse(iso) / 1000);

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
        // A new period (or a new period length) changes the keeper and replaces the password: that is the rotation.
        keepers: { rotationPeriodStart: window.issuedOn, rotationDays: String(rotationDays) },
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
            attributes: { enabled: true, notBefore: seconds(window.issuedOn), expires: seconds(window.expiresOn) },
          },
          tags: { "managed-by": "sqlfleet", "rotation-days": String(rotationDays), "next-rotation": window.nextRotationOn.slice(0, 10) },
        },
        { parent: this },
      );
      // Built from names: the `properties` output carries the value and is secret as a whole (public cloud DNS suffix).
      this.secretUri = pulumi.interpolate`https://${args.vault.name}.vault.azure.net/secrets/${secret.name}`;
    }
    this.registerOutputs({ password: this.password, secretUri: this.secretUri, expiresOn: this.expiresOn, nextRotationOn: this.nextRotationOn });
  }
}
