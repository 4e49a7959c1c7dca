// A real database with the edfi-dms set applied (adopted from a DMS-shaped write path, or created) and seeded,
// plus a runner session, for the edfi tests.
import pg from "pg";
import { postgresDialect } from "../../schema/dialects/postgres";
import { applySet } from "../../schema/runner";
import { buildSet } from "../../schema/sets";
import { seedDocuments } from "../../schema/sets/edfi-dms/workload";
import type { DbSession } from "../../schema/types";
import { createTestDatabase, type TestDatabase } from "../support/postgres";
import { createDmsShapedDatabase } from "./dms-fixture";

export interface EdfiDb {
  db: TestDatabase;
  client: pg.Client;
  session: DbSession;
  close(): Promise<void>;
}

export async function connect(url: string): Promise<pg.Client> {
  const c = new pg.Client({ connectionString: url });
  c.on("error", () => undefined);
  await c.connect();
  return c;
}

/**
 * `origin: "dms"` (the default) builds the write path as the DMS's deploy scripts do (dms-fixture.ts) and lets
 * edfi-dms adopt it; `"sqlfleet"` lets edfi-dms create it on an empty database.
 */
export async function edfiDatabase(opts: { documents?: number; seed?: boolean; origin?: "dms" | "sqlfleet" } = {}): Promise<EdfiDb> {
  const db = await createTestDatabase("edfi");
  const session = await postgresDialect.connect({ engine: "postgres", url: db.url });
  const client = await connect(db.url);
  if ((opts.origin ?? "dms") === "dms") await createDmsShapedDatabase(client);
  await applySet(session, buildSet("edfi-dms", "postgres"));
  if (opts.seed !== false) {
    await seedDocuments(client, { documents: opts.documents ?? 400, referencesPerDocument: 5 });
    await client.query("ANALYZE");
  }
  return {
    db,
    client,
    session,
    close: async () => {
      await client.end().catch(() => undefined);
      await session.close();
      await db.drop();
    },
  };
}
