// Fleet deployment: the environment stack first, then its customer stacks with bounded concurrency, a result per
// stack (succeeded, failed, skipped) rather than fail-fast, retries on concurrent-update conflicts. The runner is
// injected: Pulumi's Automation API in production (it drives the `pulumi` CLI), a fake in tests (no CLI here).

export type DeployOp = "up" | "preview";

export interface StackRunResult {
  /** Resource change counts as Pulumi reports them (create, update, delete, same, replace). */
  changes?: Record<string, number>;
}

/** Runs one stack operation; throws on failure. `onOutput` receives the engine's progress lines. */
export type StackRunner = (stack: string, op: DeployOp, onOutput: (line: string) => void) => Promise<StackRunResult>;

export type StackStatus = "pending" | "running" | "succeeded" | "failed" | "skipped";

export interface StackOutcome {
  stack: string;
  status: StackStatus;
  attempts: number;
  ms: number;
  changes?: Record<string, number>;
  error?: string;
}

export type DeployEvent = { stack: string; status: StackStatus; line?: string; outcome?: StackOutcome };

export interface DeployOptions {
  env: string;
  customers: string[];
  op: DeployOp;
  parallel: number;
  runner: StackRunner;
  onEvent?: (e: DeployEvent) => void;
  /** Retries after a concurrent-update conflict (default 3), with this base backoff in ms (default 2000). */
  retries?: number;
  backoffMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

export function isConcurrentUpdate(e: unknown): boolean {
  const name = (e as { name?: string })?.name ?? "";
  const msg = e instanceof Error ? e.message : String(e);
  return name === "ConcurrentUpdateError" || /conflict: Another update is currently in progress|already has update in progress/i.test(msg);
}

/** One readable line from an Automation API error (they carry the whole CLI stdout/stderr). */
export function briefError(e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  if (/ENOENT[^\n]*pulumi/.test(msg)) return "the pulumi CLI is not installed (the Automation API drives it)";
  const lines = msg.split("\n").map((l) => l.trim()).filter((l) => l && !/^(code|stdout|stderr|err\?):?\s*$/.test(l));
  const error = lines.find((l) => /^error:/i.test(l) || /^stderr: \S/.test(l));
  return (error ?? lines[0] ?? "failed").replace(/^stderr: /, "");
}

async function runOne(stack: string, o: DeployOptions): Promise<StackOutcome> {
  const sleep = o.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const retries = o.retries ?? 3;
  const t0 = Date.now();
  o.onEvent?.({ stack, status: "running" });
  for (let attempt = 1; ; attempt++) {
    try {
      const r = await o.runner(stack, o.op, (line) => o.onEvent?.({ stack, status: "running", line }));
      const outcome: StackOutcome = { stack, status: "succeeded", attempts: attempt, ms: Date.now() - t0, ...(r.changes ? { changes: r.changes } : {}) };
      o.onEvent?.({ stack, status: "succeeded", outcome });
      return outcome;
    } catch (e) {
      if (isConcurrentUpdate(e) && attempt <= retries) {
        await sleep((o.backoffMs ?? 2000) * 2 ** (attempt - 1));
        continue;
      }
      const outcome: StackOutcome = { stack, status: "failed", attempts: attempt, ms: Date.now() - t0, error: briefError(e) };
      o.onEvent?.({ stack, status: "failed", outcome });
      return outcome;
    }
  }
}

/** Deploys (or previews) the environment, then its customers at most `parallel` at a time. */
export async function deployFleet(o: DeployOptions): Promise<StackOutcome[]> {
  if (!(Number.isInteger(o.parallel) && o.parallel >= 1 && o.parallel <= 32)) throw new RangeError(`--parallel = ${o.parallel}; allowed range 1..32`);
  const env = await runOne(o.env, o);
  if (env.status !== "succeeded") {
    const skipped = o.customers.map((stack): StackOutcome => ({ stack, status: "skipped", attempts: 0, ms: 0, error: `environment ${o.env} failed` }));
    for (const s of skipped) o.onEvent?.({ stack: s.stack, status: "skipped", outcome: s });
    return [env, ...skipped];
  }
  const results: StackOutcome[] = new Array(o.customers.length);
  let next = 0;
  const worker = async () => {
    while (next < o.customers.length) {
      const i = next++;
      results[i] = await runOne(o.customers[i], o);
    }
  };
  await Promise.all(Array.from({ length: Math.min(o.parallel, o.customers.length) }, worker));
  return [env, ...results];
}
