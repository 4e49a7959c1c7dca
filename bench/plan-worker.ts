// One worker of bench/plan.bench.ts: a long-lived process that plans and policy-checks the batches of stacks the
// parent sends it (one runtime reset per stack, modules loaded once) and answers each batch with its totals.
// Stack traces are off here: Pulumi captures one per promise, which dominates the cost. Source maps are off too:
// Pulumi still renders a full stack per resource for its source position (the recorder keeps none of it), and
// mapping each frame through tsx's source maps was ~3% of a plan.
import { Fleet } from "../stacks/fleet-model";
import { runPlan } from "../stacks/plan/run";

/** Parent → worker: plan these stacks (the environment's outputs come with a worker's first customer batch). */
export interface PlanBatch {
  stacks: string[];
  environmentOutputs?: Record<string, unknown>;
}

/** Worker → parent, once per batch. `outputs` is set when the batch planned the environment stack. */
export interface BatchResult {
  stacks: number;
  failed: number;
  resources: number;
  mandatory: number;
  cpuMs: number;
  firstError?: string;
  outputs?: Record<string, unknown>;
}

function main(): void {
  Error.stackTraceLimit = 0;
  (process as unknown as { setSourceMapsEnabled(on: boolean): void }).setSourceMapsEnabled(false); // Node 20 API; @types/node 20.9 predates it
  const [root, env] = process.argv.slice(2);
  // One Fleet per worker, as one per command: every stack file parsed once, the environment recorded once.
  const fleet = new Fleet(root);
  process.on("message", (batch: PlanBatch | "exit") => {
    if (batch === "exit") {
      process.disconnect();
      return;
    }
    if (batch.environmentOutputs) fleet.provideEnvironmentOutputs(env, batch.environmentOutputs);
    void planBatch(batch.stacks).then((r) => process.send?.(r));
  });

  async function planBatch(stacks: string[]): Promise<BatchResult> {
    const c0 = process.cpuUsage();
    const r: BatchResult = { stacks: stacks.length, failed: 0, resources: 0, mandatory: 0, cpuMs: 0 };
    for (const stack of stacks) {
      try {
        const plan = await runPlan(stack, { fleet });
        // Customers see the outputs as other workers do: through JSON (IPC), as a real StackReference would.
        if (stack === env) {
          r.outputs = JSON.parse(JSON.stringify(plan.outputs)) as Record<string, unknown>;
          fleet.provideEnvironmentOutputs(env, r.outputs);
        }
        r.resources += plan.resources.length;
        r.mandatory += plan.policy.diagnostics.filter((d) => d.enforcementLevel === "mandatory").length;
        if (plan.exitCode !== 0) r.failed++;
      } catch (e) {
        r.failed++;
        r.firstError ??= `${stack}: ${(e as Error).message}`;
      }
    }
    const cpu = process.cpuUsage(c0);
    r.cpuMs = (cpu.user + cpu.system) / 1000;
    return r;
  }
}

main();
