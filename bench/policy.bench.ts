// Policy pack cost next to recording: evaluate the pack over recorded stacks (the prod environment and its
// customers, after-update and preview mode) and compare with the time to record the same stacks under mocks.
import { performance } from "node:perf_hooks";
import type { Recording } from "../offline/recorder";
import { evaluatePolicies } from "../policies/runner";
import { listStacks } from "../stacks/fleet";
import { recordStack } from "../stacks/record-stack";

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function time(fn: () => Promise<unknown>, reps: number): Promise<number> {
  const ms: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t = performance.now();
    await fn();
    ms.push(performance.now() - t);
  }
  return median(ms);
}

export async function run(): Promise<void> {
  const stacks = listStacks().filter((s) => s === "prod" || s.startsWith("prod-"));
  const rows: string[][] = [["stack", "resources", "record ms", "check ms", "check (preview) ms", "check/record", "diagnostics"]];
  for (const stack of stacks) {
    let recording: Recording | undefined;
    const recordMs = await time(async () => (recording = (await recordStack(stack)).recording), 3);
    const rec = recording as Recording;
    const previewRec = (await recordStack(stack, { preview: true })).recording;
    await evaluatePolicies(rec); // warm-up
    const checkMs = await time(() => evaluatePolicies(rec), 10);
    const previewMs = await time(() => evaluatePolicies(previewRec, { preview: true }), 10);
    const diags = await evaluatePolicies(rec);
    rows.push([stack, String(rec.resources.length), recordMs.toFixed(0), checkMs.toFixed(1), previewMs.toFixed(1), (checkMs / recordMs).toFixed(3), String(diags.length)]);
  }
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  for (const r of rows) console.log(r.map((c, i) => c.padStart(widths[i])).join("  "));
  console.log("median of 3 recordings and 10 policy checks per stack, measured side by side in one process");
}

if (require.main === module) void run();
