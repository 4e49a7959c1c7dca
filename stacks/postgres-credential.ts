// Where the environment's PostgreSQL also allows password logins (postgres.passwordAuth: clients that cannot use
// Entra tokens), the admin password is a RotatingCredential: rotated every credentialRotationDays by the first
// deploy after its period ends, stored in the environment's Key Vault with an expiry so the vault's expiry alerts
// fire when a rotation is overdue. Clients read it by the versionless secret URI (a Key Vault reference, or
// DatabaseSchema's passwordSecretUri), so a rotation needs no change on their side.
import * as pulumi from "@pulumi/pulumi";
import { RotatingCredential } from "../components";

export const POSTGRES_ADMIN_LOGIN = "edfi_admin";
export const POSTGRES_ADMIN_SECRET = "edfi-postgres-admin";

export function postgresAdminCredential(vault: { name: pulumi.Input<string>; resourceGroupName: pulumi.Input<string> }, rotationDays: number, opts?: pulumi.ComponentResourceOptions) {
  const credential = new RotatingCredential(
    POSTGRES_ADMIN_SECRET,
    { rotationDays, vault, secretName: POSTGRES_ADMIN_SECRET, contentType: `text/plain; PostgreSQL password of ${POSTGRES_ADMIN_LOGIN}` },
    opts,
  );
  return { login: POSTGRES_ADMIN_LOGIN, credential };
}
