// A scratch fleet for rollout tests and the rollout benchmark: a directory of stack files (a copy of the committed
// prod environment + one customer stack per database, FHIR only, in elastic pools or Hyperscale) and, on a real
// PostgreSQL server, one seeded demo database per customer, reached through a --url-template.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { randomBytes } from "node:crypto";
import { PROJECT_ROOT } from "../../stacks/fleet-files";

export const SCRATCH_ENV = "prod";

export interface ScratchCustomer {
  customer: string;
  /** An elastic pool of the prod environment (gp-01, gp-02, bc-01) or "hyperscale". */
  pool: string;
  sizeGb: number;
}

export interface ScratchFleet {
  root: string;
  /** --url-template reaching this fleet's databases on the server. */
  urlTemplate: string;
  /** PostgreSQL database of a customer (the template expanded). */
  databaseOf(customer: string): string;
  urlOf(customer: string): string;
  dispose(): Promise<void>;
}

function customerYaml(c: ScratchCustomer): string {
  const placement =
    c.pool === "hyperscale" ? "      tier: hyperscale\n      vCores: 8\n" : `      tier: pool\n      pool: ${c.pool}\n      maxSizeGb: 608\n`;
  return `config:\n  sqlfleet:customer: ${c.customer}\n  sqlfleet:displayName: Scratch ${c.customer}\n  sqlfleet:schemaRollout: fleet\n  sqlfleet:fhir:\n    sizeGb: ${c.sizeGb}\n    placement:\n${placement}`;
}

function withDatabase(url: string, db: string): string {
  const u = new URL(url);
  u.pathname = `/${db}`;
  return u.toString();
}

/**
 * Writes the stack files and creates one database per customer (`<prefix>_<customer>-fhir`) on the server of
 * `adminUrl`: empty, or a copy of `opts.template`; `seed(url, i)` then fills each. `dispose()` drops the databases
 * and removes the directory.
 */
export async function createScratchFleet(
  adminUrl: string,
  customers: ScratchCustomer[],
  seed: (url: string, index: number) => Promise<void>,
  opts: { template?: string } = {},
): Promise<ScratchFleet> {
  const root = mkdtempSync(path.join(os.tmpdir(), "sqlfleet-scratch-fleet-"));
  writeFileSync(path.join(root, `Pulumi.${SCRATCH_ENV}.yaml`), readFileSync(path.join(PROJECT_ROOT, `Pulumi.${SCRATCH_ENV}.yaml`), "utf8"));
  for (const c of customers) writeFileSync(path.join(root, `Pulumi.${SCRATCH_ENV}-${c.customer}.yaml`), customerYaml(c));
  const prefix = `sf${randomBytes(3).toString("hex")}`;
  const databaseOf = (customer: string) => `${prefix}_${customer}-fhir`;
  const created: string[] = [];
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  const dispose = async () => {
    const c = new pg.Client({ connectionString: adminUrl });
    await c.connect();
    try {
      for (const d of created) await c.query(`DROP DATABASE IF EXISTS "${d}" WITH (FORCE)`);
    } finally {
      await c.end();
    }
    rmSync(root, { recursive: true, force: true });
  };
  try {
    for (const c of customers) {
      await admin.query(`CREATE DATABASE "${databaseOf(c.customer)}"${opts.template ? ` TEMPLATE "${opts.template}"` : ""}`);
      created.push(databaseOf(c.customer));
    }
  } finally {
    await admin.end();
  }
  try {
    for (let i = 0; i < customers.length; i++) await seed(withDatabase(adminUrl, databaseOf(customers[i].customer)), i);
  } catch (e) {
    await dispose();
    throw e;
  }
  // The template's {database} is the customer's FHIR database name from the stack files (<customer>-fhir).
  const urlTemplate = withDatabase(adminUrl, `${prefix}_DBNAME`).replace("DBNAME", "{database}");
  return { root, urlTemplate, databaseOf, urlOf: (c) => withDatabase(adminUrl, databaseOf(c)), dispose };
}
