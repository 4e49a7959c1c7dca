// Plan scale: plan and policy-check an environment with N generated customer stacks (N = 10, 100, 1000), spread
// over one worker process per core. Target: 1000 customer stacks in < 60 s on the 2-core machine.
import { fork } from "node:child_process";
import os from "node:os";
import path from "node:path";
import { generateFleet } from "./plan-fleet";

interface WorkerResult {
  stacks: number;
  failed: number;
  resources: number;
  mandatory: number;
  ms: number;
  cpuMs: number;
  firstError?: string;
}

function runWorker(root: string, stacks: string[]): Promise<WorkerResult> {
  return new Promise((resolve, reject) => {
    const child = fork(path.join(__dirname, "plan-worker.ts"), [root, "bench", path.join(root, "bench-outputs.json"), ...stacks], {
      // A larger young generation: planning allocates many short-lived promises and Outputs.
      execArgv: ["--max-semi-space-size=64", "--import", "tsx"],
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    });
    let result: WorkerResult | undefined;
    child.on("message", (m) => (result = m as WorkerResult));
    child.on("error", reject);
    child.on("exit", (code) => (result ? resolve(result) : reject(new Error(`plan worker exited ${code} without a result`))));
  });
}

export async function run(): Promise<void> {
  const workers = Math.max(1, Math.min(2, os.cpus().length));
  const sizes = (process.env.SQLFLEET_BENCH_PLAN_N ?? "10,100,1000").split(",").map(Number);
  const rows: string[][] = [["customers", "pools", "stacks", "resources", "mandatory", "failed", "env s", "wall s", "stacks/s", "cpu s"]];
  for (const n of sizes) {
    const fleet = generateFleet(n);
    // As a deployment would: the environment first (its outputs feed every customer's StackReference), then the
    // customers dealt round-robin over the workers.
    const slices: string[][] = Array.from({ length: workers }, () => []);
    fleet.stacks.forEach((s, i) => slices[i % workers].push(s));
    const t0 = performance.now();
    const envResult = await runWorker(fleet.root, ["bench"]);
    const envSeconds = (performance.now() - t0) / 1000;
    const results = [envResult, ...(await Promise.all(slices.map((slice) => runWorker(fleet.root, slice))))];
    const wall = (performance.now() - t0) / 1000;
    const sum = (k: keyof WorkerResult) => results.reduce((s, r) => s + (r[k] as number), 0);
    for (const r of results) if (r.firstError) console.error(`worker error: ${r.firstError}`);
    rows.push([String(n), String(fleet.pools), String(sum("stacks")), String(sum("resources")), String(sum("mandatory")), String(sum("failed")), envSeconds.toFixed(1), wall.toFixed(1), (sum("stacks") / wall).toFixed(1), (sum("cpuMs") / 1000).toFixed(1)]);
  }
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  for (const r of rows) console.log(r.map((c, i) => c.padStart(widths[i])).join("  "));
  console.log(`${workers} worker processes (wall includes process start and the environment plan); target: 1000 customer stacks < 60 s`);
}

if (require.main === module) void run();
