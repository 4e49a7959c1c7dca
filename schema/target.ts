// Where the CLI's schema commands run: a given connection URL, or the embedded PostgreSQL kept under
// .sqlfleet/pg (started for the command and stopped at its end).
import path from "node:path";
import { startEmbeddedPostgres, type EmbeddedPostgresHandle } from "./embedded-pg";
import { dialectFor } from "./dialects";
import type { DbSession, Engine } from "./types";

export const EMBEDDED_DATABASE = "sqlfleet_demo";

export interface Target {
  engine: Engine;
  session: DbSession;
  /** Printable location without credentials. */
  where: string;
  close(): Promise<void>;
}

export function engineOfUrl(url: string): Engine {
  const proto = url.split(":")[0].toLowerCase();
  if (proto === "postgres" || proto === "postgresql") return "postgres";
  if (proto === "mssql" || proto === "sqlserver") return "mssql";
  throw new Error(`--url must start with postgres:// or mssql://; got "${proto}://…"`);
}

function redact(url: string): string {
  const u = new URL(url);
  u.password = u.password ? "***" : "";
  return u.toString();
}

export async function openTarget(opts: { url?: string; root: string }): Promise<Target> {
  if (opts.url) {
    const engine = engineOfUrl(opts.url);
    const session = await dialectFor(engine).connect({ engine, url: opts.url });
    return { engine, session, where: redact(opts.url), close: () => session.close() };
  }
  const dataDir = path.join(opts.root, ".sqlfleet", "pg");
  let pg: EmbeddedPostgresHandle | undefined = await startEmbeddedPostgres({ dataDir, persistent: true });
  try {
    const admin = await dialectFor("postgres").connect({ engine: "postgres", url: pg.url });
    try {
      const exists = await admin.query("SELECT 1 FROM pg_database WHERE datname = $1", [EMBEDDED_DATABASE]);
      if (exists.rowCount === 0) await admin.query(`CREATE DATABASE ${EMBEDDED_DATABASE}`);
    } finally {
      await admin.close();
    }
    const session = await dialectFor("postgres").connect({ engine: "postgres", url: pg.urlFor(EMBEDDED_DATABASE) });
    const server = pg;
    return {
      engine: "postgres",
      session,
      where: server.relocatedFrom
        ? `embedded PostgreSQL (${server.dataDir}: ${dataDir} is not reachable by the server's user; database ${EMBEDDED_DATABASE})`
        : `embedded PostgreSQL (${dataDir}, database ${EMBEDDED_DATABASE})`,
      close: async () => {
        await session.close();
        await server.stop();
      },
    };
  } catch (e) {
    await pg?.stop();
    pg = undefined;
    throw e;
  }
}
