// The embedded default of `schema rollout`: each customer database of the environment becomes a demo database on
// the embedded PostgreSQL kept under .sqlfleet/pg (created and seeded on first use), so the fleet path can be
// tried without Azure. Names: <env>_<database> with non-identifier characters folded to "_".
import path from "node:path";
import { startEmbeddedPostgres } from "../embedded-pg";
import { seedDemoResources } from "../demo";
import { dialectFor } from "../dialects";
import { buildSet } from "../sets";
import type { FleetConnector } from "./connect";
import type { FleetTarget } from "./types";

export function embeddedName(env: string, t: FleetTarget): string {
  return `${env}_${t.database}`.toLowerCase().replace(/[^a-z0-9_]/g, "_").slice(0, 63);
}

export interface EmbeddedFleet {
  connector: FleetConnector;
  created: string[];
  close(): Promise<void>;
}

export async function openEmbeddedFleet(opts: { root: string; env: string; targets: FleetTarget[]; setName: string; demoResources: number; conformanceTypes: string[]; create: boolean }): Promise<EmbeddedFleet> {
  const server = await startEmbeddedPostgres({ dataDir: path.join(opts.root, ".sqlfleet", "pg"), persistent: true });
  const pg = dialectFor("postgres");
  const created: string[] = [];
  try {
    const admin = await pg.connect({ engine: "postgres", url: server.url });
    try {
      for (const t of opts.targets) {
        const name = embeddedName(opts.env, t);
        if (opts.create && (await admin.query("SELECT 1 FROM pg_database WHERE datname = $1", [name])).rowCount === 0) {
          await admin.query(`CREATE DATABASE "${name}"`);
          created.push(name);
        }
      }
    } finally {
      await admin.close();
    }
    // Only FHIR databases get a demo resource store; the Ed-Fi DMS sets create their own tables.
    if (opts.setName === "fhir-partitioning") {
      for (const name of created) {
        const s = await pg.connect({ engine: "postgres", url: server.urlFor(name) });
        try {
          await seedDemoResources(s, buildSet(opts.setName, "postgres"), opts.demoResources, opts.conformanceTypes);
        } finally {
          await s.close();
        }
      }
    }
  } catch (e) {
    await server.stop();
    throw e;
  }
  return {
    created,
    connector: {
      describe: `embedded PostgreSQL (${path.join(opts.root, ".sqlfleet", "pg")}): each customer database is a demo database named ${opts.env}_<database> (--entra for the Azure servers of the stack files)`,
      open: (t) => pg.connect({ engine: "postgres", url: server.urlFor(embeddedName(opts.env, t)) }),
      redact: (text) => text,
    },
    close: () => server.stop(),
  };
}
