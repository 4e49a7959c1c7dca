// Inputs and outputs of the DatabaseSchema dynamic resource as the provider sees them (resolved, plain), and
// `check`: every field validated with an error naming it, the value and the allowed range; values unknown during
// preview are accepted.
import { getSetDefinition, setNames } from "../sets";
import { VERSIONLESS_SECRET_URI } from "./secret-uri";
import type { Engine } from "../types";

/** pulumi.runtime.unknownValue: what an input not yet known looks like during preview. */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

export interface SchemaInputs {
  serverFqdn: string;
  databaseName: string;
  engine: Engine;
  migrationSet: string;
  options?: Record<string, unknown>;
  port?: number;
  /** "entra": a token from @azure/identity at run time (default); "password": user + secret password inputs. */
  authentication?: "entra" | "password";
  user?: string;
  password?: string;
  /** Instead of `password`: a versionless Key Vault secret URI whose current version is read at run time. */
  passwordSecretUri?: string;
  /** TLS to the server (default true). */
  ssl?: boolean;
  /** Stop an apply after this many seconds; the next `pulumi up` resumes (default 1800). */
  timeBudgetSeconds?: number;
  /** Adopt an existing database whose objects already exist. */
  baseline?: boolean;
  /** Keep the runner from starting new work (pause). */
  paused?: boolean;
  /** Roll back the set when the resource is deleted (default false: delete leaves schema and data alone). */
  rollbackOnDelete?: boolean;
}

export interface SchemaOutputs extends SchemaInputs {
  setChecksum: string;
  state: string;
  appliedMigrations: string[];
  rowsMoved: number;
  validation: Record<string, number>;
}

export interface CheckFailure {
  property: string;
  reason: string;
}

const DB_NAME = /^[A-Za-z0-9_][A-Za-z0-9_-]{0,127}$/;
const FQDN = /^[A-Za-z0-9]([A-Za-z0-9.-]{0,251}[A-Za-z0-9])?$/;

function known(v: unknown): boolean {
  return v !== UNKNOWN && !(typeof v === "string" && v.includes(UNKNOWN));
}

/** Validates inputs; returns failures naming each property (empty when valid or when values are unknown). */
export function checkInputs(news: Record<string, unknown>): CheckFailure[] {
  const f: CheckFailure[] = [];
  const fail = (property: string, reason: string) => f.push({ property, reason });
  const { serverFqdn, databaseName, engine, migrationSet, options, port, authentication, user, password, passwordSecretUri, timeBudgetSeconds } = news;
  if (known(serverFqdn) && (typeof serverFqdn !== "string" || !FQDN.test(serverFqdn))) {
    fail("serverFqdn", `DatabaseSchema: serverFqdn ${JSON.stringify(serverFqdn)} must be a host name (letters, digits, dots, hyphens)`);
  }
  if (known(databaseName) && (typeof databaseName !== "string" || !DB_NAME.test(databaseName))) {
    fail("databaseName", `DatabaseSchema: databaseName ${JSON.stringify(databaseName)} must match ${DB_NAME}`);
  }
  if (known(engine) && engine !== "postgres" && engine !== "mssql") {
    fail("engine", `DatabaseSchema: engine ${JSON.stringify(engine)} is not supported; allowed: postgres, mssql`);
  }
  if (known(migrationSet)) {
    if (typeof migrationSet !== "string" || !setNames().includes(migrationSet)) {
      fail("migrationSet", `DatabaseSchema: migrationSet ${JSON.stringify(migrationSet)} is unknown; allowed: ${setNames().join(", ")}`);
    } else if (known(engine) && (engine === "postgres" || engine === "mssql")) {
      const def = getSetDefinition(migrationSet);
      if (!def.engines.includes(engine)) {
        fail("migrationSet", `DatabaseSchema: migrationSet "${migrationSet}" does not support engine "${engine}"; allowed: ${def.engines.join(", ")}`);
      } else if (options === undefined || known(JSON.stringify(options))) {
        try {
          def.build(engine, (options ?? {}) as Record<string, unknown>);
        } catch (e) {
          fail("options", `DatabaseSchema: ${e instanceof Error ? e.message : String(e)}`);
        }
      }
    }
  }
  if (port !== undefined && known(port) && (typeof port !== "number" || !Number.isInteger(port) || port < 1 || port > 65535)) {
    fail("port", `DatabaseSchema: port ${JSON.stringify(port)} must be an integer from 1 to 65535`);
  }
  const auth = authentication ?? "entra";
  if (known(auth) && auth !== "entra" && auth !== "password") {
    fail("authentication", `DatabaseSchema: authentication ${JSON.stringify(auth)} is not supported; allowed: entra, password`);
  }
  if (auth === "password") {
    if (known(user) && (typeof user !== "string" || user.length === 0 || user.length > 128)) fail("user", "DatabaseSchema: user is required (1 to 128 characters) with password authentication");
    if (passwordSecretUri !== undefined) {
      if (password !== undefined) fail("passwordSecretUri", "DatabaseSchema: give password or passwordSecretUri, not both");
      if (known(passwordSecretUri) && (typeof passwordSecretUri !== "string" || !VERSIONLESS_SECRET_URI.test(passwordSecretUri))) {
        fail("passwordSecretUri", `DatabaseSchema: passwordSecretUri ${JSON.stringify(passwordSecretUri)} must be a versionless Key Vault secret URI (https://<vault>.vault.azure.net/secrets/<name>), so rotation needs no change here`);
      }
    } else if (known(password) && (typeof password !== "string" || password.length === 0)) {
      fail("password", "DatabaseSchema: password (a Pulumi secret) or passwordSecretUri is required with password authentication");
    }
  } else if (passwordSecretUri !== undefined) {
    fail("passwordSecretUri", 'DatabaseSchema: passwordSecretUri is only used with authentication "password"');
  }
  if (timeBudgetSeconds !== undefined && known(timeBudgetSeconds) && (typeof timeBudgetSeconds !== "number" || timeBudgetSeconds < 10 || timeBudgetSeconds > 86_400)) {
    fail("timeBudgetSeconds", `DatabaseSchema: timeBudgetSeconds ${JSON.stringify(timeBudgetSeconds)} must be from 10 to 86400`);
  }
  for (const b of ["ssl", "baseline", "paused", "rollbackOnDelete"]) {
    const v = news[b];
    if (v !== undefined && known(v) && typeof v !== "boolean") fail(b, `DatabaseSchema: ${b} must be true or false; got ${JSON.stringify(v)}`);
  }
  return f;
}
