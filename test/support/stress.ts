// `npm run test:stress [-- --runs N]`: the concurrency and crash suites, N times in a row, while CPU burners keep
// every core busy (issue 16: they once failed only on a loaded machine). Pass/fail per run; exit 1 if any failed.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import os from "node:os";
import path from "node:path";
import { Command, InvalidArgumentError } from "commander";

const SUITES = ["test/schema", "test/staging", "test/edfi/rebuild.test.ts"];
const root = path.resolve(__dirname, "../..");

function positiveInt(flag: string) {
  return (v: string) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1 || n > 100) throw new InvalidArgumentError(`${flag} must be an integer from 1 to 100; got "${v}"`);
    return n;
  };
}

const opts = new Command("test:stress")
  .option("--runs <n>", "how many runs (1–100)", positiveInt("--runs"), 5)
  .option("--burners <n>", "busy-looping processes (1–100; default: 2 per core)", positiveInt("--burners"), os.cpus().length * 2)
  .exitOverride((e) => process.exit(e.exitCode === 0 ? 0 : 2))
  .parse()
  .opts<{ runs: number; burners: number }>();

const burners: ChildProcess[] = Array.from({ length: opts.burners }, () =>
  spawn(process.execPath, ["-e", "for (;;) {}"], { stdio: "ignore" }),
);
// Stopped by their pids whatever happens to this script.
const stopBurners = () => burners.forEach((b) => b.pid && !b.killed && b.kill("SIGKILL"));
process.on("exit", stopBurners);

const results: { run: number; status: number | null; summary: string; seconds: number }[] = [];
for (let run = 1; run <= opts.runs; run++) {
  const t0 = Date.now();
  const r = spawnSync(process.execPath, [path.join(root, "node_modules/vitest/vitest.mjs"), "run", ...SUITES], {
    cwd: root,
    env: { ...process.env, CI: "true" },
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  const summary = /Tests: \d+ passed, \d+ failed, \d+ skipped/.exec(r.stdout ?? "")?.[0] ?? "no summary line";
  const seconds = Math.round((Date.now() - t0) / 100) / 10;
  results.push({ run, status: r.status, summary, seconds });
  console.log(`run ${run}/${opts.runs}: ${r.status === 0 ? "pass" : "FAIL"} (exit ${r.status}) ${summary} in ${seconds}s, load average ${os.loadavg()[0].toFixed(1)}`);
  if (r.status !== 0) console.log((r.stdout ?? "").split("\n").filter((l) => /×|FAIL|Error/.test(l)).slice(0, 20).join("\n"));
}
stopBurners();
const passed = results.filter((r) => r.status === 0).length;
console.log(`test:stress: ${passed} of ${opts.runs} runs passed with ${opts.burners} CPU burners on ${os.cpus().length} cores (${SUITES.join(", ")})`);
process.exitCode = passed === opts.runs ? 0 : 1;
