// `sqlfleet schema plan|apply|rollback|drop-retired --strategy …` in-process against a real database, as JSON.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { registerSchemaCommands } from "../../cli/commands/schema";
import { runJsonCommand } from "../support/cli";
import { createTestDatabase, type TestDatabase } from "../support/postgres";
import { seed } from "./helpers";

const run = (args: string[]) => runJsonCommand<Record<string, unknown>>(registerSchemaCommands, args);

describe("sqlfleet schema --strategy (CLI)", () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase("stgcli");
    await seed(db.url, 4_000);
  });
  afterAll(async () => db?.drop());

  it("plan --strategy auto prints both estimates and the recommendation with reasons", async () => {
    const { out, exitCode } = await run(["schema", "plan", "--set", "fhir-partitioning", "--strategy", "auto", "--free-storage-gb", "1", "--url", db.url, "--json"]);
    expect(exitCode).toBeUndefined();
    const sp = out.strategy as { mode: string; recommended: string; chosen: string; reasons: string[]; estimates: { strategy: string; durationMs: number; extraBytes: number }[] };
    expect(sp).toMatchObject({ mode: "auto", recommended: "incremental", chosen: "incremental" });
    expect(sp.estimates.map((e) => e.strategy)).toEqual(["incremental", "staging"]);
    expect(sp.estimates[1].extraBytes).toBeGreaterThan(sp.estimates[0].extraBytes);
    expect(sp.reasons[0]).toBe("incremental moves only the 400 conformance rows (10% of 4000) in place; staging copies all 4000 rows");
    expect((out.migrations as { migrationId: string }[])[1].migrationId).toBe("0002-lightweight-partitioning");
  });

  it("plan --strategy staging shows the copy statement; apply, drop-retired, then rollback is refused", async () => {
    const common = ["--set", "fhir-partitioning", "--url", db.url, "--json"];
    const plan = (await run(["schema", "plan", ...common, "--strategy", "staging"])).out;
    const steps = (plan.migrations as { steps: { name: string; statements: { sql: string }[] }[] }[])[1].steps;
    expect(steps.find((s) => s.name === "copy")!.statements[1].sql).toMatch(/^INSERT INTO fhir\.resource_staging \(resource_type_id, .*FOR SHARE OF r ON CONFLICT/);
    const apply = await run(["schema", "apply", ...common, "--strategy", "staging"]);
    expect(apply.out).toMatchObject({ state: "completed", rowsMoved: 4000, validation: { leaves_with_count_or_checksum_mismatch: 0, leaves_not_switched: 0 } });
    const drop = await run(["schema", "drop-retired", ...common]);
    expect((drop.out.dropped as string[]).length).toBe(22);
    const rb = await run(["schema", "rollback", ...common]);
    expect(rb.exitCode).toBe(1);
    expect(String(rb.out.message)).toMatch(/^fhir-partitioning: rollback refused: the old data of .* was dropped/);
  });
});
