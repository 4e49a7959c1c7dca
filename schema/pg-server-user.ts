// PostgreSQL refuses to run as root. When we are root, the server runs as the `postgres` system user
// (created if missing), and every path it needs must be reachable by that user.
import { execFileSync, spawnSync } from "node:child_process";

export interface ServerUser {
  uid: number;
  gid: number;
  name: string;
}

function idOf(flag: "-u" | "-g", name: string): number | undefined {
  try {
    return Number.parseInt(execFileSync("id", [flag, name], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }), 10);
  } catch {
    return undefined;
  }
}

/** The user the server runs as: undefined when we are not root (it runs as us). */
export function serverUser(name = "postgres"): ServerUser | undefined {
  if (process.getuid?.() !== 0) return undefined;
  let uid = idOf("-u", name);
  if (uid === undefined) {
    try {
      if (spawnSync("getent", ["group", name]).status !== 0) execFileSync("groupadd", ["--system", name], { stdio: "pipe" });
      execFileSync("useradd", ["--system", "-g", name, "--no-create-home", "--shell", "/usr/sbin/nologin", name], { stdio: "pipe" });
    } catch (e) {
      throw new Error(`running as root, and could not create the "${name}" user PostgreSQL must run as: ${String(e)}`);
    }
    uid = idOf("-u", name);
  }
  const gid = idOf("-g", name);
  if (uid === undefined || gid === undefined) throw new Error(`running as root, and user "${name}" has no uid/gid`);
  return { uid, gid, name };
}

/**
 * Whether `user` can reach `target` with the given access (test -r/-w/-x), checked by the kernel itself:
 * spawned with the same uid/gid (and no supplementary groups) as the server will be.
 */
export function canAccess(user: ServerUser | undefined, target: string, access: "r" | "w" | "x" | "rx"): boolean {
  if (!user) return true;
  const tests = [...access].flatMap((a, i) => (i === 0 ? [`-${a}`, target] : ["-a", `-${a}`, target]));
  return spawnSync("test", tests, { uid: user.uid, gid: user.gid }).status === 0;
}
