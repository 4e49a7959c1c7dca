// A checkout under a 0700 directory (a home directory, a CI workspace) is not reachable by the `postgres`
// user the server runs as when we are root. The launcher must then use reachable copies, not fail.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { startEmbeddedPostgres } from "../../schema/embedded-pg";
import { locatePgBinaries, relocatedPgBinaries } from "../../schema/pg-binaries";
import { canAccess, serverUser } from "../../schema/pg-server-user";

const asRoot = process.getuid?.() === 0;
// mkdtemp makes a 0700 directory owned by root: exactly the unreachable parent of the issue.
const privateDir = mkdtempSync(path.join(os.tmpdir(), "sqlfleet-private-"));
afterAll(() => rmSync(privateDir, { recursive: true, force: true }));

async function count(url: string): Promise<number> {
  const c = new pg.Client(url);
  await c.connect();
  try {
    return Number((await c.query("SELECT count(*) AS n FROM kept")).rows[0].n);
  } finally {
    await c.end();
  }
}

describe.skipIf(!asRoot)("paths the server's user cannot reach (runs as root only: otherwise the server runs as us)", () => {
  it("sees a 0700 parent as unreachable", () => {
    const user = serverUser();
    expect(canAccess(user, privateDir, "x")).toBe(false);
    expect(canAccess(user, os.tmpdir(), "x")).toBe(true);
  });

  it("copies the binaries to a reachable place that the server's user can run", () => {
    const user = serverUser()!;
    const copy = relocatedPgBinaries(locatePgBinaries());
    expect(copy.root.startsWith(os.tmpdir())).toBe(true);
    const r = spawnSync(copy.postgres, ["--version"], { uid: user.uid, gid: user.gid, encoding: "utf8" });
    expect(r.stdout).toMatch(/^postgres \(PostgreSQL\) \d+/);
  });

  it("keeps a persistent data directory under a 0700 parent in a stable relocated place", async () => {
    const requested = path.join(privateDir, ".sqlfleet", "pg");
    const first = await startEmbeddedPostgres({ dataDir: requested, persistent: true });
    const relocated = first.dataDir;
    try {
      expect(first.relocatedFrom).toBe(requested);
      expect(first.dataDir.startsWith(os.tmpdir())).toBe(true);
      const c = new pg.Client(first.url);
      await c.connect();
      await c.query("CREATE TABLE kept AS SELECT generate_series(1, 3) AS n");
      await c.end();
    } finally {
      await first.stop();
    }
    const second = await startEmbeddedPostgres({ dataDir: requested, persistent: true });
    try {
      expect(second.dataDir).toBe(relocated);
      expect(await count(second.url)).toBe(3);
    } finally {
      await second.stop();
      rmSync(relocated, { recursive: true, force: true });
    }
  });
});
