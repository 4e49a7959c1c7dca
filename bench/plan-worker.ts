// One worker of bench/plan.bench.ts: plans and policy-checks its slice of stacks in one process and reports totals
// to the parent over IPC. Stack traces are off here: Pulumi captures one per promise, which dominates the cost.
import { loadEnvironmentConfig, loadFleet, stackFilePath } from "../stacks/fleet";
import { runPlan } from "../stacks/plan/run";

async function main(): Promise<void> {
  Error.stackTraceLimit = 0;
  const [root, env, ...stacks] = process.argv.slice(2);
  const fleet = { env: loadEnvironmentConfig(env, stackFilePath(env, root)), members: loadFleet(env, root).members };
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  let failed = 0;
  let resources = 0;
  let mandatory = 0;
  let firstError: string | undefined;
  for (const stack of stacks) {
    try {
      const r = await runPlan(stack, { root, fleet });
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

void main();
