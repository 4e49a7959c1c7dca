// SIGKILL during the staging copy, then resume: after every kill the ledger agrees with the data (the copy
// checkpoint commits with its batch, so rows_done = rows in staging), and the resumed run completes with every
// row intact (independent per-type fingerprint).
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { setStatus } from "../../schema/plan";
import type { DbSession } from "../../schema/types";
import { createTestDatabase, type TestDatabase } from "../support/postgres";
import { connect, fingerprint, one, seed } from "./helpers";

const N = 30_000;
const ROOT = path.resolve(__dirname, "../..");
const CHILD_SRC = path.join(__dirname, "fixtures/staging-child.ts");
// Bundled once so each child starts in ~0.2 s.
const BUNDLE_DIR = mkdtempSync(path.join(os.tmpdir(), "sqlfleet-staging-crash-"));
const CHILD = path.join(BUNDLE_DIR, "staging-child.js");

function runChild(url: string, killAfterCopyBatches: number | undefined): Promise<{ killed: boolean; lines: string[]; code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CHILD, url, "300"], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
    const lines: string[] = [];
    let killed = false;
    let buf = "";
    let stderr = "";
    let batches = 0;
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.stdout.on("data", (d: Buffer) => {
      buf += d.toString();
      let i;
      while ((i = buf.indexOf("\n")) >= 0) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 1);
        lines.push(line);
        if (line.includes('"type":"backfill"') && line.includes('"task":"copy/')) batches++;
        if (!killed && killAfterCopyBatches !== undefined && batches >= killAfterCopyBatches) {
          killed = true;
          child.kill("SIGKILL");
        }
      }
    });
    child.on("error", reject);
    child.on("exit", (code) => resolve({ killed, lines, code, stderr }));
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
    const esbuild: typeof import("esbuild") = require("esbuild");
    esbuild.buildSync({ entryPoints: [CHILD_SRC], bundle: true, platform: "node", target: "node20", outfile: CHILD, external: ["pg-native"], logLevel: "error" });
    db = await createTestDatabase("stgcrash");
    await seed(db.url, N);
    s = await connect(db.url);
    before = await fingerprint(s);
  });
  afterAll(async () => {
    await s?.close();
    await db?.drop();
    rmSync(BUNDLE_DIR, { recursive: true, force: true });
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
