// SIGKILL during the staging copy, then resume: after every kill the ledger agrees with the data (the copy
// checkpoint commits with its batch, so rows_done = rows in staging), and the resumed run completes with every
// row intact (independent per-type fingerprint).
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { setStatus } from "../../schema/plan";
import type { DbSession } from "../../schema/types";
import { KillableChild } from "../support/killable-child";
import { createTestDatabase, type TestDatabase } from "../support/postgres";
import { connect, fingerprint, one, seed } from "./helpers";

const N = 30_000;
const ROOT = path.resolve(__dirname, "../..");
const CHILD = new KillableChild(path.join(__dirname, "fixtures/staging-child.ts"), ROOT);

/** Runs the child; kills it with SIGKILL after that many copy batches (never when undefined). */
function runChild(url: string, killAfterCopyBatches: number | undefined) {
  let batches = 0;
  return CHILD.run([url, "300"], (line) => {
    if (line.includes('"type":"backfill"') && line.includes('"task":"copy/')) batches++;
    return killAfterCopyBatches !== undefined && batches >= killAfterCopyBatches;
  });
}

async function copyCheckpointRows(s: DbSession): Promise<number> {
  const st = await setStatus(s, "fhir-partitioning");
  return st.checkpoints.filter((c) => c.task.startsWith("copy/")).reduce((a, c) => a + c.rowsDone, 0);
}

describe("staging copy: SIGKILL and resume", () => {
  let db: TestDatabase;
  let s: DbSession;
  let before: Awaited<ReturnType<typeof fingerprint>>;
  beforeAll(async () => {
    CHILD.bundle();
    db = await createTestDatabase("stgcrash");
    await seed(db.url, N);
    s = await connect(db.url);
    before = await fingerprint(s);
  });
  afterAll(async () => {
    await s?.close();
    await db?.drop();
    CHILD.dispose();
  });

  it("resumes from the copy checkpoint after each kill and completes with every row", async () => {
    const progress: number[] = [];
    for (const after of [5, 12, 20]) {
      const run = await runChild(db.url, after);
      expect(run.killed, run.stderr).toBe(true);
      const staged = await one<number>(s, "SELECT count(*)::int FROM fhir.resource_staging");
      const done = await copyCheckpointRows(s);
      // The checkpoint commits with its batch: never ahead of the data, never behind it.
      expect(done).toBe(staged);
      progress.push(done);
    }
    // Each run continued where the previous one stopped (no restart from zero).
    expect(progress[0]).toBeGreaterThan(0);
    expect(progress[1]).toBeGreaterThan(progress[0]);
    expect(progress[2]).toBeGreaterThan(progress[1]);
    const fin = await runChild(db.url, undefined);
    expect(fin.code, fin.stderr).toBe(0);
    expect(fin.lines.at(-1)).toBe(JSON.stringify({ type: "result", state: "completed" }));
    expect(await copyCheckpointRows(s)).toBe(N);
    expect(await fingerprint(s)).toEqual(before);
    expect(await one<number>(s, "SELECT count(*)::int FROM fhir.resource WHERE partition_id = 1")).toBe(N / 10);
  });
});
