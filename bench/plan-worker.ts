// One worker of bench/plan.bench.ts: plans and policy-checks its slice of stacks in one process and reports totals
// to the parent over IPC. Stack traces are off here: Pulumi captures one per promise, which dominates the cost.
import { readFileSync, writeFileSync } from "node:fs";
import { loadEnvironmentConfig, loadFleet, stackFilePath } from "../stacks/fleet";
import { runPlan } from "../stacks/plan/run";

async function main(): Promise<void> {
  Error.stackTraceLimit = 0;
  // argv: root, env, outputs file (written after planning the env, read before planning customers), stacks...
  const [root, env, outputsFile, ...stacks] = process.argv.slice(2);
  const fleet = { env: loadEnvironmentConfig(env, stackFilePath(env, root)), members: loadFleet(env, root).members };
  const environmentOutputs = stacks.includes(env) ? undefined : (JSON.parse(readFileSync(outputsFile, "utf8")) as Record<string, unknown>);
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  let failed = 0;
  let resources = 0;
  let mandatory = 0;
  let firstError: string | undefined;
  for (const stack of stacks) {
    try {
      const r = await runPlan(stack, { root, fleet, environmentOutputs });
      if (stack === env) writeFileSync(outputsFile, JSON.stringify(r.outputs));
      resources += r.resources.length;
      mandatory += r.policy.diagnostics.filter((d) => d.enforcementLevel === "mandatory").length;
      if (r.exitCode !== 0) failed++;
    } catch (e) {
      failed++;
      firstError ??= `${stack}: ${(e as Error).message}`;
    }
  }
  const cpu = process.cpuUsage(c0);
  process.send?.({ stacks: stacks.length, failed, resources, mandatory, ms: performance.now() - t0, cpuMs: (cpu.user + cpu.system) / 1000, firstError });
}

main().catch((e: unknown) => {
  process.send?.({ stacks: 0, failed: 1, resources: 0, mandatory: 0, ms: 0, cpuMs: 0, firstError: (e as Error).message });
});
