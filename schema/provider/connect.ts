// Opens a runner session from provider inputs. Credentials: an Entra access token acquired now through
// @azure/identity (required lazily: it must resolve in the dynamic-provider host), or the secret password input.
import { dialectFor } from "../dialects";
import type { DbSession } from "../types";
import type { SchemaInputs } from "./inputs";

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

export async function openSession(i: SchemaInputs): Promise<DbSession> {
  const auth = i.authentication ?? "entra";
  const accessToken = auth === "entra" ? await entraToken(i.engine) : undefined;
  return dialectFor(i.engine).connect({
    engine: i.engine,
    host: i.serverFqdn,
    port: i.port,
    database: i.databaseName,
    user: auth === "password" ? i.user : i.user ?? undefined,
    password: auth === "password" ? i.password : undefined,
    accessToken,
    ssl: i.ssl ?? true,
  });
}
