// PR check speed: `sqlfleet pr` on a generated fleet in a scratch git repository, with 1, 10 and 100 customer
// files changed in the working tree; each affected stack is planned at base and head, policies on head.
// Target (issue 12): one affected customer under 10 s wall on the 2-core machine.
import { execFileSync } from "node:child_process";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { runPrCheck } from "../stacks/pr/run";
import { generateFleet } from "./plan-fleet";

export async function run(): Promise<void> {
  const sizes = (process.env.SQLFLEET_BENCH_PR_N ?? "1,10,100").split(",").map(Number);
  const fleet = generateFleet(Math.max(...sizes));
  const git = (...args: string[]) => execFileSync("git", ["-c", "user.email=bench@sqlfleet", "-c", "user.name=bench", ...args], { cwd: fleet.root, stdio: "pipe" });
  git("init", "-q");
  git("add", ".");
  git("commit", "-qm", "base fleet");
  const rows: string[][] = [["affected", "stacks planned", "changes", "wall s", "s per stack", "load"]];
  try {
    for (const n of sizes) {
      // A display-name edit: the stack is affected and planned twice, whatever the diff turns out to be.
      for (const stack of fleet.stacks.slice(0, n)) {
        const file = path.join(fleet.root, `Pulumi.${stack}.yaml`);
        writeFileSync(file, readFileSync(file, "utf8").replace(/displayName: (.*)/, "displayName: $1 (renamed)"));
      }
      const t0 = performance.now();
      const report = await runPrCheck({ repo: fleet.root, base: "HEAD" });
      const wall = (performance.now() - t0) / 1000;
      git("checkout", "-q", "--", ".");
      if (report.stacks.length !== n) throw new Error(`expected ${n} affected stacks, got ${report.stacks.length}`);
      rows.push([String(n), String(n * 2), String(report.stacks.reduce((a, s) => a + s.changes.length, 0)), wall.toFixed(1), (wall / n).toFixed(2), os.loadavg()[0].toFixed(1)]);
    }
  } finally {
    rmSync(fleet.root, { recursive: true, force: true });
  }
  for (const r of rows) console.log(r.map((c) => c.padStart(16)).join(""));
  const one = rows.find((r) => r[0] === "1");
  if (one) console.log(`one affected customer: ${one[3]} s wall (target < 10 s)`);
}
