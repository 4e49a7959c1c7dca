// `sqlfleet schema plan|apply|status|rollback` against a real database (--url), in-process, with --json.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { registerSchemaCommands } from "../../cli/commands/schema";
import { runJsonCommand } from "../support/cli";
import { createTestDatabase, type TestDatabase } from "../support/postgres";
import { seed } from "./helpers";

const run = (args: string[]) => runJsonCommand<unknown>(registerSchemaCommands, args);

describe("sqlfleet schema (CLI)", () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase("cli");
    await seed(db.url, 4_000);
  });
  afterAll(async () => db?.drop());

  it("plan → apply → status → rollback, all as JSON", async () => {
    const common = ["--set", "fhir-partitioning", "--url", db.url, "--json"];
    const plan = (await run(["schema", "plan", ...common])).out as { pendingMigrations: number; migrations: { steps: { name: string; rowsEstimated?: number }[] }[] };
    expect(plan.pendingMigrations).toBe(2);
    expect(plan.migrations[1].steps.find((s) => s.name === "conformance-backfill")?.rowsEstimated).toBe(400);
    const apply = await run(["schema", "apply", ...common]);
    expect(apply.exitCode).toBeUndefined();
    expect(apply.out).toMatchObject({ state: "completed", rowsMoved: 400, validation: { conformance_rows_not_in_partition_1: 0, rows_in_partition_1: 400, rows_in_partition_2: 3600 } });
    const status = (await run(["schema", "status", ...common])).out as { state: string; migrations: { state: string }[] };
    expect(status.state).toBe("completed");
    expect(status.migrations.map((m) => m.state)).toEqual(["completed", "completed"]);
    const rb = await run(["schema", "rollback", ...common]);
    expect(rb.out).toMatchObject({ state: "rolled_back", rowsMoved: 400 });
    expect(((await run(["schema", "status", ...common])).out as { state: string }).state).toBe("not-applied");
  });

  it("fails with a named error and exit code 2 on bad input", async () => {
    const r = await run(["schema", "plan", "--set", "nope", "--url", db.url, "--json"]);
    expect(r.exitCode).toBe(2);
    expect(r.out).toMatchObject({ error: "invalid-input", message: expect.stringMatching(/^--set "nope" is unknown; allowed: .*fhir-partitioning/) });
    const o = await run(["schema", "apply", "--set", "fhir-partitioning", "--url", db.url, "--options", '{"conformanceTypes":["not a type"]}', "--json"]);
    expect(o.exitCode).toBe(2);
    expect((o.out as { message: string }).message).toMatch(/fhir-partitioning: option conformanceTypes has "not a type"/);
    const u = await run(["schema", "status", "--set", "fhir-partitioning", "--url", "mysql://x/y", "--json"]);
    expect(u.exitCode).toBe(2);
    expect((u.out as { message: string }).message).toBe('--url must start with postgres:// or mssql://; got "mysql://…"');
  });
});
