// Plan scale: plan and policy-check an environment with N generated customer stacks (N = 10, 100, 1000), spread
// over one worker process per core. Target: 1000 customer stacks in < 30 s on the 2-core machine (issue 15).
import { fork } from "node:child_process";
import os from "node:os";
import path from "node:path";
import { generateFleet } from "./plan-fleet";
import type { BatchResult, PlanBatch } from "./plan-worker";

/** A long-lived plan worker (bench/plan-worker.ts); `plan` sends it one batch and resolves with its totals. */
interface PlanWorker {
  plan(batch: PlanBatch): Promise<BatchResult>;
  close(): void;
}

function startWorker(root: string, env: string): PlanWorker {
  const child = fork(path.join(__dirname, "plan-worker.ts"), [root, env], {
    // A larger young generation: planning allocates many short-lived promises and Outputs.
    execArgv: ["--max-semi-space-size=64", "--import", "tsx"],
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  let pending: { resolve: (r: BatchResult) => void; reject: (e: Error) => void } | undefined;
  child.on("message", (m) => pending?.resolve(m as BatchResult));
  child.on("exit", (code) => pending?.reject(new Error(`plan worker exited ${code} mid-batch`)));
  return {
    plan: (batch) =>
      new Promise((resolve, reject) => {
        pending = { resolve, reject };
        child.send(batch);
      }),
    close: () => child.send("exit"),
  };
}

// Customers go out in small batches to whichever worker is free, so the worker that planned the environment does
// fewer of them; small enough to balance, large enough that IPC round trips do not matter.
const BATCH = 10;

export async function run(): Promise<void> {
  const workers = Math.max(1, Math.min(2, os.cpus().length));
  const sizes = (process.env.SQLFLEET_BENCH_PLAN_N ?? "10,100,1000").split(",").map(Number);
  const rows: string[][] = [["customers", "pools", "stacks", "resources", "mandatory", "failed", "env s", "wall s", "stacks/s", "cpu s"]];
  for (const n of sizes) {
    const fleet = generateFleet(n);
    // As a deployment would: the environment first (its outputs feed every customer's StackReference), then the
    // customers. All workers start at once, so the others load their modules while one plans the environment.
    const t0 = performance.now();
    const pool = Array.from({ length: workers }, () => startWorker(fleet.root, "bench"));
    const results: BatchResult[] = [];
    let envSeconds = 0;
    try {
      const envResult = await pool[0].plan({ stacks: ["bench"] });
      results.push(envResult);
      envSeconds = (performance.now() - t0) / 1000;
      const queue = [...fleet.stacks];
      await Promise.all(
        pool.map(async (w) => {
          let environmentOutputs = envResult.outputs;
          while (queue.length > 0) {
            results.push(await w.plan({ stacks: queue.splice(0, BATCH), environmentOutputs }));
            environmentOutputs = undefined; // sent once per worker
          }
        }),
      );
    } finally {
      pool.forEach((w) => w.close());
    }
    const wall = (performance.now() - t0) / 1000;
    const sum = (k: "stacks" | "failed" | "resources" | "mandatory" | "cpuMs") => results.reduce((s, r) => s + r[k], 0);
    for (const r of results) if (r.firstError) console.error(`worker error: ${r.firstError}`);
    rows.push([String(n), String(fleet.pools), String(sum("stacks")), String(sum("resources")), String(sum("mandatory")), String(sum("failed")), envSeconds.toFixed(1), wall.toFixed(1), (sum("stacks") / wall).toFixed(1), (sum("cpuMs") / 1000).toFixed(1)]);
  }
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  for (const r of rows) console.log(r.map((c, i) => c.padStart(widths[i])).join("  "));
  console.log(`${workers} worker processes (wall includes process start and the environment plan); target: 1000 customer stacks < 30 s`);
  console.log(`load average now ${os.loadavg().map((l) => l.toFixed(1)).join(" ")} on ${os.cpus().length} cores (wall s is inflated by other work on a shared machine; cpu s is not)`);
  // The earlier code paths are gone, so they cannot be re-run side by side; these are their measurements, same
  // command, same generated fleet (seed 7). Compare cpu s: wall s follows the machine's load.
  for (const b of BEFORE) console.log(`before (recorded, not re-run): ${b}`);
}

const BEFORE = [
  "before the fleet model: 1000 customers: wall 193.5 s, cpu 90.0 s, env 18.2 s; 2026-12-03 09:06 UTC at c15ccb3, load average 5.7 → 9.9",
  "fleet model, before the per-kind policy handlers and skipped source positions: 1000 customers: wall 37.9 s, cpu 69.9 s, env 4.1 s; 2026-12-03 12:46 UTC at 0cde86f, load average 1.5 → 2.0",
];

if (require.main === module) void run();
