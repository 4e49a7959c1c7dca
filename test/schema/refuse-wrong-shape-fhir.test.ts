// fhir-partitioning on PostgreSQL refuses a database whose fhir.resource is not sqlfleet's store shape before
// anything — the ledger included — is written: exit 2, the first differing fact named, catalog unchanged.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import pg from "pg";
import { registerSchemaCommands } from "../../cli/commands/schema";
import { runJsonCommand } from "../support/cli";
import { createTestDatabase, type TestDatabase } from "../support/postgres";

const run = (args: string[]) => runJsonCommand<{ error?: string; message?: string }>(registerSchemaCommands, args);

/** Every relation, column and namespace outside the system schemas: equal before and after means untouched. */
async function catalog(url: string): Promise<string[]> {
  const c = new pg.Client(url);
  await c.connect();
  try {
    const r = await c.query(
      `SELECT n.nspname || '.' || c.relname || ':' || c.relkind::text || ':' ||
              coalesce((SELECT string_agg(a.attname || ' ' || format_type(a.atttypid, a.atttypmod), ',' ORDER BY a.attnum)
                          FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped), '') AS o
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')
       UNION ALL SELECT nspname FROM pg_namespace WHERE nspname NOT LIKE 'pg\\_%' ORDER BY 1`,
    );
    return r.rows.map((x) => String(x.o));
  } finally {
    await c.end();
  }
}

describe.each([
  {
    label: "an unpartitioned fhir.resource",
    ddl: [
      "CREATE SCHEMA fhir",
      `CREATE TABLE fhir.resource (resource_type_id smallint NOT NULL, resource_id varchar(64) NOT NULL, version int NOT NULL,
         is_history boolean NOT NULL, resource_surrogate_id bigint NOT NULL, is_deleted boolean NOT NULL, request_method varchar(10),
         raw_resource bytea NOT NULL, is_raw_resource_meta_set boolean NOT NULL, search_param_hash varchar(64), transaction_id bigint,
         history_transaction_id bigint, PRIMARY KEY (resource_type_id, resource_surrogate_id))`,
    ],
    message: "fhir.resource: expected PARTITION BY LIST (resource_type_id), found an unpartitioned table",
  },
  {
    label: "a fhir.resource with a column of another type",
    ddl: [
      "CREATE SCHEMA fhir",
      `CREATE TABLE fhir.resource (resource_type_id smallint NOT NULL, resource_id text NOT NULL) PARTITION BY LIST (resource_type_id)`,
    ],
    message: "fhir.resource column 2: expected resource_id character varying(64) not null, found resource_id text not null",
  },
])("fhir-partitioning on $label", ({ ddl, message }) => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase("fhirwrong");
    const c = new pg.Client(db.url);
    await c.connect();
    for (const sql of ddl) await c.query(sql);
    await c.end();
  });
  afterAll(async () => db?.drop());

  it("refuses with exit 2, names the first difference, changes nothing", async () => {
    const before = await catalog(db.url);
    const r = await run(["schema", "apply", "--set", "fhir-partitioning", "--url", db.url, "--json"]);
    expect(r.exitCode).toBe(2);
    expect(r.out.error).toBe("refused");
    expect(r.out.message).toContain(message);
    const after = await catalog(db.url);
    expect(after).toEqual(before);
    expect(after.some((o) => o.startsWith("sqlfleet"))).toBe(false);
  });
});
