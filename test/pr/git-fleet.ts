// A temporary git repository holding a copy of the committed stack files, with helpers to commit edits to it:
// the PR tests diff against their own commits, never the project's history.
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll } from "vitest";
import { PROJECT_ROOT } from "../../stacks/fleet";

// Registered on the importing test file: its repositories are removed when it ends.
const made: string[] = [];
afterAll(() => made.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

export interface GitFleet {
  dir: string;
  edit(file: string, from: string, to: string): void;
  commit(message: string): void;
}

export function gitFleet(): GitFleet {
  const dir = mkdtempSync(path.join(os.tmpdir(), "sqlfleet-pr-repo-"));
  made.push(dir);
  const git = (...args: string[]) => execFileSync("git", ["-c", "user.email=test@sqlfleet", "-c", "user.name=test", ...args], { cwd: dir, stdio: "pipe" });
  for (const f of readdirSync(PROJECT_ROOT)) if (/^Pulumi\..*yaml$/.test(f)) copyFileSync(path.join(PROJECT_ROOT, f), path.join(dir, f));
  git("init", "-q");
  git("add", ".");
  git("commit", "-qm", "base fleet");
  return {
    dir,
    edit(file, from, to) {
      const p = path.join(dir, file);
      const text = readFileSync(p, "utf8");
      if (!text.includes(from)) throw new Error(`${file} does not contain ${JSON.stringify(from)}`);
      writeFileSync(p, text.replace(from, to));
    },
    commit(message) {
      git("add", "-A");
      git("commit", "-qm", message);
    },
  };
}
