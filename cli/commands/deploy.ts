// `sqlfleet deploy <env>`: the environment stack, then its customer stacks (all or a list) through Pulumi's
// Automation API with bounded concurrency, a live progress display and a summary table. Needs the `pulumi` CLI
// and Azure credentials; tests drive `runDeploy` with an injected runner.
import chalk from "chalk";
import cliProgress from "cli-progress";
import type { Command } from "commander";
import { automationRunner } from "../../stacks/automation-runner";
import { deployFleet, type StackOutcome, type StackRunner } from "../../stacks/deploy";
import { customerStacksOf, PROJECT_ROOT } from "../../stacks/fleet";
import { stackKind } from "../../stacks/config/shared";
import { reportFailure } from "../errors";
import { heading, printJson, table } from "../format";
import { InputError } from "../../stacks/config/errors";

export interface DeployFlags {
  customers?: string;
  parallel?: string;
  preview?: boolean;
  json?: boolean;
  root?: string;
}

/** Resolves `--customers a,b | all` against the committed stacks; unknown names are an error (exit 2). */
export function selectCustomers(env: string, spec: string | undefined, root = PROJECT_ROOT): string[] {
  const all = customerStacksOf(env, root);
  if (!spec || spec === "all") return all;
  const wanted = spec.split(",").map((s) => s.trim()).filter(Boolean).map((s) => (s.startsWith(`${env}-`) ? s : `${env}-${s}`));
  const unknown = wanted.filter((w) => !all.includes(w));
  if (unknown.length > 0) throw new InputError("--customers", `--customers: ${unknown.join(", ")} not found; committed customer stacks of ${env}: ${all.join(", ") || "(none)"}`);
  return wanted;
}

export async function runDeploy(env: string, flags: DeployFlags, runner: StackRunner, out: { isTTY: boolean } = { isTTY: !!process.stdout.isTTY }): Promise<StackOutcome[]> {
  if (stackKind(env).kind !== "environment") throw new InputError(env, `${env} is not an environment stack (dev, prod)`);
  const customers = selectCustomers(env, flags.customers, flags.root);
  const parallel = Number(flags.parallel ?? 4);
  const op = flags.preview ? "preview" : "up";
  const total = customers.length + 1;
  const live = !flags.json && out.isTTY;
  const bar = live
    ? new cliProgress.SingleBar({ format: `${op} {bar} {value}/{total} stacks | running: {running}`, hideCursor: true, clearOnComplete: true }, cliProgress.Presets.shades_classic)
    : undefined;
  const running = new Set<string>();
  let done = 0;
  bar?.start(total, 0, { running: "" });
  const results = await deployFleet({
    env,
    customers,
    op,
    parallel,
    runner,
    onEvent: (e) => {
      if (e.line) return; // engine output stays out of the summary view
      if (e.status === "running") running.add(e.stack);
      else {
        running.delete(e.stack);
        done++;
      }
      if (bar) bar.update(done, { running: [...running].join(", ") });
      else if (!flags.json) console.log(`${statusText(e.status)} ${e.stack}${e.outcome?.error ? `: ${e.outcome.error}` : ""}`);
    },
  });
  bar?.stop();
  return results;
}

export function registerDeployCommands(program: Command): void {
  program
    .command("deploy")
    .description("deploy (or preview) an environment and its customer stacks with Pulumi's Automation API (needs the pulumi CLI and Azure credentials)")
    .argument("<env>", "environment stack (dev, prod)")
    .option("--customers <list>", "comma-separated customers or `all`", "all")
    .option("--parallel <n>", "customer stacks at a time (1-32)", "4")
    .option("--preview", "pulumi preview instead of up")
    .option("--root <dir>", "directory holding the Pulumi.<stack>.yaml files", PROJECT_ROOT)
    .option("--json", "print the results as JSON")
    .action(async (env: string, flags: DeployFlags) => {
      try {
        const results = await runDeploy(env, flags, automationRunner(flags.root));
        printSummary(results, !!flags.json);
        process.exitCode = results.every((r) => r.status === "succeeded") ? 0 : 1;
      } catch (e) {
        reportFailure(e, !!flags.json);
      }
    });
}

export function printSummary(results: StackOutcome[], json: boolean): void {
  if (json) {
    printJson({ results });
    return;
  }
  console.log(heading("Deployment summary"));
  console.log(
    table(
      results.map((r) => [
        r.stack,
        statusText(r.status),
        r.attempts,
        `${(r.ms / 1000).toFixed(1)} s`,
        r.changes ? Object.entries(r.changes).map(([k, v]) => `${k} ${v}`).join(", ") : "",
        r.error ?? "",
      ]),
      ["stack", "result", "attempts", "time", "changes", "error"],
    ),
  );
}

function statusText(s: string): string {
  return s === "succeeded" ? chalk.green(s) : s === "running" ? chalk.cyan(s) : s === "skipped" ? chalk.yellow(s) : chalk.red(s);
}
