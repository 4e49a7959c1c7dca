// Opens a runner session from provider inputs. Credentials: an Entra access token acquired now through
// @azure/identity (required lazily: it must resolve in the dynamic-provider host), the secret password input, or
// the current version of a Key Vault secret read now through its versionless URI (a rotated password is picked up
// by the next run without any change to this resource's inputs).
import { dialectFor } from "../dialects";
import type { DbSession } from "../types";
import type { SchemaInputs } from "./inputs";
import { parseSecretUri } from "./secret-uri";

const SCOPES = {
  mssql: "https://database.windows.net/.default",
  postgres: "https://ossrdbms-aad.database.windows.net/.default",
};

export async function entraToken(engine: "postgres" | "mssql"): Promise<string> {
  const identity: typeof import("@azure/identity") = require("@azure/identity");
  const token = await new identity.DefaultAzureCredential().getToken(SCOPES[engine]);
  if (!token?.token) throw new Error(`DatabaseSchema: no Entra token for ${SCOPES[engine]}`);
  return token.token;
}

/** Reads the current value of a secret by its versionless URI. */
export type SecretReader = (secretUri: string) => Promise<string>;

/** Key Vault through @azure/keyvault-secrets and DefaultAzureCredential; no version asked, so the current one. */
export const keyVaultSecretReader: SecretReader = async (secretUri) => {
  const { vaultUrl, name } = parseSecretUri(secretUri);
  const identity: typeof import("@azure/identity") = require("@azure/identity");
  const secrets: typeof import("@azure/keyvault-secrets") = require("@azure/keyvault-secrets");
  const secret = await new secrets.SecretClient(vaultUrl, new identity.DefaultAzureCredential()).getSecret(name);
  if (!secret.value) throw new Error(`DatabaseSchema: Key Vault secret ${name} in ${vaultUrl} has no value`);
  return secret.value;
};

export async function openSession(i: SchemaInputs, readSecret: SecretReader = keyVaultSecretReader): Promise<DbSession> {
  const auth = i.authentication ?? "entra";
  const accessToken = auth === "entra" ? await entraToken(i.engine) : undefined;
  const password = auth !== "password" ? undefined : i.passwordSecretUri ? await readSecret(i.passwordSecretUri) : i.password;
  return dialectFor(i.engine).connect({
    engine: i.engine,
    host: i.serverFqdn,
    port: i.port,
    database: i.databaseName,
    user: auth === "password" ? i.user : i.user ?? undefined,
    password,
    accessToken,
    ssl: i.ssl ?? true,
  });
}
