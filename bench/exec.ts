// One statement on its own connection: for a benchmark's setup (create/drop databases, seeding).
import { postgresDialect } from "../schema/dialects/postgres";

export async function exec(url: string, sql: string): Promise<void> {
  const s = await postgresDialect.connect({ engine: "postgres", url });
  try {
    await s.query(sql);
  } finally {
    await s.close();
  }
}
