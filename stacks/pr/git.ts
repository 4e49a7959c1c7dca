// Git access for the PR check: what changed between a base ref and the working tree, and the base's stack
// files materialised in a temporary directory (read with `git show`; the working tree is never touched).
import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { ConfigError } from "../config/errors";

function git(repo: string, args: string[]): string {
  return execFileSync("git", args, { cwd: repo, encoding: "utf8", maxBuffer: 64 * 1024 * 1024, stdio: ["ignore", "pipe", "pipe"] });
}

/** Resolves the ref to a commit, or throws a configuration error naming it (exit 2). */
export function resolveRef(repo: string, ref: string): string {
  try {
    return git(repo, ["rev-parse", "--verify", "--quiet", `${ref}^{commit}`]).trim();
  } catch {
    throw new ConfigError("pr", [{ key: "--base", value: ref, allowed: `a git ref (branch, tag or commit) in ${repo}` }]);
  }
}

/** Paths (relative to the repository root) that differ between the base commit and the working tree, untracked files included. */
export function changedFiles(repo: string, base: string): string[] {
  const tracked = git(repo, ["diff", "--name-only", "--no-renames", base, "--"]).split("\n");
  const untracked = git(repo, ["ls-files", "--others", "--exclude-standard"]).split("\n");
  return [...new Set([...tracked, ...untracked].filter(Boolean))].sort();
}

/** Top-level `Pulumi.<stack>.yaml` files at the base commit, written into a fresh temporary directory. */
export function materializeBaseStacks(repo: string, base: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), "sqlfleet-pr-base-"));
  const names = git(repo, ["ls-tree", "--name-only", base]).split("\n").filter((f) => /^Pulumi\..+\.yaml$/.test(f) || f === "Pulumi.yaml");
  for (const f of names) writeFileSync(path.join(dir, f), git(repo, ["show", `${base}:${f}`]));
  return dir;
}

export function repoRoot(dir: string): string {
  return git(dir, ["rev-parse", "--show-toplevel"]).trim();
}
