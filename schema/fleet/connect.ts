// Connections of a fleet rollout: an Entra token per database by default (server FQDN + database from the stack
// files), or a --url-template such as "postgres://u:pw@localhost:5432/{database}" for tests and self-hosted
// servers. Printable text never contains the template's credentials.
import { entraToken } from "../provider/connect";
import { dialectFor } from "../dialects";
import { engineOfUrl } from "../target";
import type { DbSession } from "../types";
import type { FleetTarget } from "./types";

const PLACEHOLDERS = ["database", "customer", "server"] as const;

export interface FleetConnector {
  open(t: FleetTarget): Promise<DbSession>;
  /** Removes any credential of the template from a message. */
  redact(text: string): string;
  describe: string;
}

export function validateUrlTemplate(template: string): void {
  if (!template.includes("{database}")) throw new Error(`--url-template must contain {database}; got ${redactUrl(template)}`);
  const unknown = [...template.matchAll(/\{([a-z]+)\}/g)].map((m) => m[1]).filter((p) => !(PLACEHOLDERS as readonly string[]).includes(p));
  if (unknown.length > 0) throw new Error(`--url-template has unknown placeholder(s) ${unknown.map((u) => `{${u}}`).join(", ")}; allowed: ${PLACEHOLDERS.map((p) => `{${p}}`).join(", ")}`);
  engineOfUrl(template);
}

function redactUrl(url: string): string {
  return url.replace(/(\/\/[^:/@]+:)[^@]*@/, "$1***@");
}

export function expandTemplate(template: string, t: FleetTarget): string {
  return template.replace(/\{database\}/g, encodeURIComponent(t.database)).replace(/\{customer\}/g, encodeURIComponent(t.customer)).replace(/\{server\}/g, t.serverFqdn);
}

export function templateConnector(template: string): FleetConnector {
  validateUrlTemplate(template);
  const password = /\/\/[^:/@]+:([^@]*)@/.exec(template)?.[1];
  const engine = engineOfUrl(template);
  return {
    describe: `--url-template ${redactUrl(template)}`,
    open: (t) => dialectFor(engine).connect({ engine, url: expandTemplate(template, t) }),
    redact: (text) => (password ? text.split(password).join("***") : text),
  };
}

export function entraConnector(): FleetConnector {
  return {
    describe: "Entra tokens (DefaultAzureCredential) to the servers named in the stack files",
    open: async (t) => dialectFor(t.engine).connect({ engine: t.engine, host: t.serverFqdn, database: t.database, accessToken: await entraToken(t.engine), ssl: true }),
    redact: (text) => text,
  };
}
