import * as sql from "@pulumi/azure-native/sql";
import * as pulumi from "@pulumi/pulumi";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "./support/postgres";
import { recordProgram } from "./support/recorder";

describe("recorder", () => {
  it("records parents, options, secrets and Azure-shaped outputs in dependency order", async () => {
    const { recording, outputs, secretOutputs } = await recordProgram(async () => {
      class Box extends pulumi.ComponentResource {
        constructor(name: string) {
          super("sqlfleet:test:Box", name, {}, { retainOnDelete: true });
          const srv = new sql.Server(`${name}-srv`, {
            resourceGroupName: "rg-x",
            administratorLoginPassword: pulumi.secret("hunter2"),
          }, { parent: this, protect: true, ignoreChanges: ["administrators"] });
          new sql.Database(`${name}-db`, { resourceGroupName: "rg-x", serverName: srv.name }, { parent: srv });
          this.registerOutputs({});
        }
      }
      new Box("b");
      return { token: pulumi.secret("t"), plain: pulumi.output(1) };
    }, { stack: "dev" });
    const srv = recording.one("b-srv", "azure-native:sql:Server");
    const db = recording.one("b-db");
    expect(srv.protect).toBe(true);
    expect(srv.ignoreChanges).toEqual(["administrators"]);
    expect(srv.secretPaths).toEqual(["administratorLoginPassword"]);
    expect(srv.inputs.administratorLoginPassword).toBe("hunter2");
    expect(srv.outputs.fullyQualifiedDomainName).toBe("b-srv.database.windows.net");
    expect(db.parent).toBe(srv.urn);
    expect(db.protect).toBe(true); // protect is inherited SDK-side
    expect(db.retainOnDelete).toBe(false); // retainOnDelete is inherited engine-side ...
    expect(recording.effectiveRetainOnDelete(db)).toBe(true); // ... so walk the parents
    expect(String(db.outputs.id)).toMatch(/\/providers\/Microsoft\.Sql\/servers\/b-srv\/databases\/b-db$/);
    const order = recording.topologicalOrder().map((r) => r.name);
    expect(order.indexOf("b-srv")).toBeLessThan(order.indexOf("b-db"));
    expect(outputs).toEqual({ token: "t", plain: 1 });
    expect(secretOutputs).toEqual(["token"]);
  });
});

describe("embedded PostgreSQL fixture", () => {
  let db: TestDatabase;
  afterAll(async () => db?.drop());
  it("gives each file a real, empty database", async () => {
    db = await createTestDatabase();
    const c = new pg.Client({ connectionString: db.url });
    await c.connect();
    const { rows } = await c.query("select current_database() as d, count(*)::int as n from pg_tables where schemaname = 'public'");
    await c.end();
    expect(rows[0]).toEqual({ d: db.name, n: 0 });
  });
});
