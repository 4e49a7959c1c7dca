// `sqlfleet schema plan|apply|status|rollback --set <name>`: the schema engine from the command line. Without
// --url it works on an embedded PostgreSQL kept under .sqlfleet/ (optionally seeded with --demo-resources N).
// apply/rollback show a progress bar with rows/s and ETA; Ctrl-C pauses cleanly and the next run resumes.
import chalk from "chalk";
import cliProgress from "cli-progress";
import type { Command } from "commander";
import path from "node:path";
import { seedDemoResources } from "../../schema/demo";
import { planSet, setStatus } from "../../schema/plan";
import { applySet } from "../../schema/runner";
import { buildSet, setNames } from "../../schema/sets";
import { rollbackStrategy, sessionFor } from "../../schema/strategies";
import { addStrategyOptions, chooseStrategySet, runDropRetired, strategyPlanOf } from "../../schema/strategies/cli";
import { formatBytes } from "../../schema/strategies/planner/estimate";
import { renderStrategyPlan } from "../../schema/strategies/planner/format";
import { engineOfUrl, openTarget } from "../../schema/target";
import type { ChecksummedSet, RunnerEvent, RunResult, SetPlan } from "../../schema/types";
import { reportFailure } from "../errors";
import { heading, printJson, table } from "../format";
import { CONNECTION_HELP, fleetStatusAction, registerRolloutCommands, type FleetFlags } from "./schema-rollout";
import { defaultDeps, type CliDeps } from "../deps";
import { PROJECT_ROOT } from "../../stacks/fleet-files";
import { InputError } from "../../stacks/config/errors";

interface SchemaFlags {
  set: string;
  url?: string;
  demoResources?: string;
  options?: string;
  baseline?: boolean;
  timeBudget?: string;
  json?: boolean;
  strategy?: string;
  freeStorageGb?: string;
}

const ROOT = path.resolve(__dirname, "../..");

function parseOptions(raw: string | undefined): Record<string, unknown> {
  if (!raw) return {};
  try {
    const v = JSON.parse(raw) as unknown;
    if (typeof v !== "object" || v === null || Array.isArray(v)) throw new Error("not an object");
    return v as Record<string, unknown>;
  } catch (e) {
    throw new InputError("--options", `--options must be a JSON object, e.g. '{"conformanceTypes":["ValueSet"]}'; ${(e as Error).message}`);
  }
}

function demoCount(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > 100_000_000) throw new InputError("--demo-resources", `--demo-resources must be an integer from 0 to 100000000; got ${JSON.stringify(raw)}`);
  return n;
}

function ms(n: number | undefined): string {
  if (n === undefined || !Number.isFinite(n)) return "-";
  if (n < 1000) return `${Math.round(n)} ms`;
  const s = n / 1000;
  return s < 120 ? `${s.toFixed(1)} s` : `${(s / 60).toFixed(1)} min`;
}

/** Runs `fn`; its error is invalid input named by `subject` (exit 2). */
function asInput<T>(subject: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    throw new InputError(subject, (e as Error).message);
  }
}

/** Opens the target, builds the set, optionally seeds the demo store, runs `fn`, always closes. */
async function withTarget<T>(flags: SchemaFlags, fn: (t: Awaited<ReturnType<typeof openTarget>>, set: ChecksummedSet) => Promise<T>): Promise<T> {
  if (!setNames().includes(flags.set)) throw new InputError("--set", `--set "${flags.set}" is unknown; allowed: ${setNames().join(", ")}`);
  const options = parseOptions(flags.options);
  const demo = demoCount(flags.demoResources);
  if (demo !== undefined && flags.url) throw new InputError("--demo-resources", "--demo-resources only applies to the embedded database (omit --url)");
  // Everything the flags decide is checked before any connection is opened.
  const engine = asInput("--url", () => (flags.url ? engineOfUrl(flags.url) : "postgres"));
  const set = asInput("--options", () => buildSet(flags.set, engine, options));
  const target = await openTarget({ url: flags.url, root: ROOT });
  try {
    if (!flags.json) console.error(chalk.dim(`target: ${target.where}`));
    if (demo !== undefined) {
      const seeded = await seedDemoResources(target.session, set, demo, (set.options.conformanceTypes as string[] | undefined) ?? []);
      if (!flags.json) {
        console.error(chalk.dim(seeded.inserted > 0 ? `seeded ${seeded.inserted} demo resources (${seeded.conformanceRows} conformance)` : `demo store already has ${seeded.existing} resources; not seeding`));
      }
    }
    return await fn(target, await chooseStrategySet(target.session, set, flags));
  } finally {
    await target.close();
  }
}

function printPlan(plan: SetPlan): void {
  console.log(heading(`plan: ${plan.setName} (${plan.engine}) checksum ${plan.checksum.slice(0, 12)}…`));
  for (const m of plan.migrations) {
    console.log(`\n${chalk.bold(m.migrationId)}  ${m.ledgerState ?? "not applied"}${m.checksumMatches ? "" : chalk.red("  CHECKSUM CHANGED")}  ${chalk.dim(m.description)}`);
    console.log(
      table(
        m.steps.map((s) => [s.stepNo, s.name, s.kind, s.status, `${s.lock.mode}${s.lock.brief ? " (brief)" : ""} on ${s.lock.on}`, s.rowsEstimated, ms(s.estimatedMs)]),
        ["#", "step", "kind", "status", "lock", "rows", "estimate"],
      ),
    );
    for (const s of m.steps.filter((x) => x.status !== "done")) {
      for (const st of s.statements.slice(0, 6)) console.log(chalk.dim(`    ${s.name}: ${st.sql.slice(0, 160)}${st.autocommit ? "  [autocommit]" : ""}`));
      if (s.statements.length > 6) console.log(chalk.dim(`    ${s.name}: … ${s.statements.length - 6} more statements`));
    }
  }
  for (const p of plan.problems) console.log(chalk.red(`problem: ${p}`));
  console.log(`\n${plan.pendingMigrations} pending migration(s), estimated ${ms(plan.estimatedMs)}`);
}

/** Progress bar over backfill events; SIGINT requests a clean pause. */
function progress(json: boolean): { onEvent: (e: RunnerEvent) => void; shouldPause: () => boolean; stop: () => void; interrupted: () => boolean } {
  let paused = false;
  const onSigint = () => {
    if (paused) process.exit(130);
    paused = true;
    if (!json) console.error(chalk.yellow("\npausing after the current batch (Ctrl-C again to abort)…"));
  };
  process.on("SIGINT", onSigint);
  let bar: cliProgress.SingleBar | undefined;
  const onEvent = (e: RunnerEvent) => {
    if (json) return;
    if (e.type === "backfill") {
      if (!bar) {
        bar = new cliProgress.SingleBar(
          { format: " backfill |{bar}| {percentage}% {value}/{total} rows | {rate} rows/s | ETA {eta_h} | {task}", hideCursor: true, noTTYOutput: true, notTTYSchedule: 2000 },
          cliProgress.Presets.shades_classic,
        );
        bar.start(e.rowsEstimated, e.rowsDone, { rate: 0, eta_h: "-", task: "" });
      }
      bar.setTotal(e.rowsEstimated);
      bar.update(e.rowsDone, { rate: Math.round(e.rowsPerSec), eta_h: ms(e.etaMs), task: e.task });
    } else {
      if (bar && e.type !== "throttle" && e.type !== "retry") {
        bar.stop();
        bar = undefined;
      }
      if (e.type === "step" && e.state !== "running") console.error(chalk.dim(`  ${e.migrationId} ${e.step}: ${e.state}${e.detail ? ` (${e.detail})` : ""}`));
      if (e.type === "migration") console.error(`${e.migrationId}: ${e.state}`);
      if (e.type === "throttle") console.error(chalk.yellow(`  throttled: ${e.reason}`));
      if (e.type === "retry") console.error(chalk.yellow(`  retry ${e.attempt} of ${e.what} in ${e.sleepMs} ms: ${e.error}`));
    }
  };
  return {
    onEvent,
    shouldPause: () => paused,
    interrupted: () => paused,
    stop: () => {
      bar?.stop();
      process.off("SIGINT", onSigint);
    },
  };
}

function printResult(r: RunResult): void {
  const verb = r.state === "paused" ? chalk.yellow("paused: run the same command again to resume") : chalk.green(r.state);
  console.log(`${r.setName}: ${verb}; migrations ${r.applied.length > 0 ? r.applied.join(", ") : "none"}; rows moved ${r.rowsMoved}`);
  if (Object.keys(r.validation).length > 0) {
    console.log(heading("validation"));
    console.log(table(Object.entries(r.validation).map(([k, v]) => [k, v]), ["check", "value"]));
  }
}

function fail(e: unknown, json: boolean): void {
  reportFailure(e, json);
}

export function registerSchemaCommands(program: Command, deps: CliDeps = defaultDeps): void {
  const schema = program.command("schema").description("online schema migrations (ledger, backfill, rollback) on a FHIR/DMS database");
  const common = (c: Command) =>
    c
      .requiredOption("--set <name>", `migration set (${setNames().join(", ")})`)
      .option("--url <connection>", "postgres://… or mssql://…; default: embedded PostgreSQL under .sqlfleet/")
      .option("--demo-resources <n>", "seed an empty embedded resource store with n resources (~10% conformance)")
      .option("--options <json>", "set options as JSON, e.g. '{\"conformanceTypes\":[\"ValueSet\",\"CodeSystem\"]}'")
      .option("--json", "machine-readable output");

  addStrategyOptions(common(schema.command("plan").description("dry run: statements, locks, row estimates, estimated duration"))).action(async (f: SchemaFlags) => {
    try {
      await withTarget(f, async (t, set) => {
        const plan = await planSet(sessionFor(t.session, set), set);
        const sp = strategyPlanOf(set);
        if (f.json) printJson(sp ? { ...plan, strategy: sp } : plan);
        else {
          if (sp) console.log(`${renderStrategyPlan(sp, table)}\n`);
          printPlan(plan);
        }
      });
    } catch (e) {
      fail(e, Boolean(f.json));
    }
  });

  addStrategyOptions(common(schema.command("apply").description("apply pending migrations (resumes a paused run)")))
    .option("--baseline", "adopt an existing database whose objects already exist")
    .option("--time-budget <seconds>", "stop cleanly after this many seconds")
    .action(async (f: SchemaFlags) => {
      const p = progress(Boolean(f.json));
      try {
        await withTarget(f, async (t, set) => {
          const budget = f.timeBudget === undefined ? undefined : Number(f.timeBudget);
          if (budget !== undefined && (!Number.isFinite(budget) || budget <= 0)) throw new InputError("--time-budget", `--time-budget must be a positive number of seconds; got ${f.timeBudget}`);
          const r = await applySet(sessionFor(t.session, set), set, { onEvent: p.onEvent, shouldPause: p.shouldPause, baseline: f.baseline, timeBudgetMs: budget ? budget * 1000 : undefined, appliedBy: "sqlfleet cli" });
          p.stop();
          if (f.json) printJson(r);
          else printResult(r);
        });
      } catch (e) {
        p.stop();
        fail(e, Boolean(f.json));
      }
    });

  common(schema.command("status [env]").description(`the ledger: migrations, steps, backfill checkpoints, recent events; with <env>: every database of the environment, from their ledgers alone (${CONNECTION_HELP})`))
    .option("--url-template <url>", "with <env>: postgres://…/{database} instead of the embedded default")
    .option("--entra", "with <env>: the servers named in the stack files, Entra tokens")
    .option("--root <dir>", "with <env>: directory holding the Pulumi.<stack>.yaml files", PROJECT_ROOT)
    .action(async (env: string | undefined, f: SchemaFlags & FleetFlags) => {
    if (env !== undefined) return fleetStatusAction(env, f, deps);
    try {
      await withTarget(f, async (t, set) => {
        const st = await setStatus(t.session, set.name, set);
        if (f.json) return printJson(st);
        console.log(heading(`${st.setName}: ${st.state}`));
        if (!st.ledgerExists) return console.log("no ledger in this database yet");
        console.log(table(st.migrations.map((m) => [m.migrationId, m.state, m.checksum.slice(0, 12), m.startedAt, m.finishedAt, m.error]), ["migration", "state", "checksum", "started", "finished", "error"]));
        for (const m of st.migrations) console.log(chalk.dim(`  ${m.migrationId}: ${m.steps.map((s) => `${s.name}=${s.state}`).join(", ")}`));
        if (st.checkpoints.length > 0) {
          console.log(heading("backfill checkpoints"));
          console.log(table(st.checkpoints.map((c) => [c.task, c.direction, c.state, c.rowsDone, c.rowsEstimated, c.lastKey, c.highWaterKey, c.batchSize]), ["task", "dir", "state", "done", "estimated", "last key", "high water", "batch"]));
        }
      });
    } catch (e) {
      fail(e, Boolean(f.json));
    }
  });

  registerRolloutCommands(schema, deps);

  addStrategyOptions(common(schema.command("rollback").description("roll back in reverse order (idempotent; data is kept)"))).action(async (f: SchemaFlags) => {
    const p = progress(Boolean(f.json));
    try {
      await withTarget(f, async (t, set) => {
        const r = await rollbackStrategy(t.session, set, { onEvent: p.onEvent, shouldPause: p.shouldPause });
        p.stop();
        if (f.json) printJson(r);
        else printResult(r);
      });
    } catch (e) {
      p.stop();
      fail(e, Boolean(f.json));
    }
  });

  common(schema.command("drop-retired").description("after a staging cutover: drop the retired leaves (the old data); rollback is refused afterwards")).action(
    async (f: SchemaFlags) => {
      try {
        await withTarget(f, async (t, set) => {
          const r = await runDropRetired(t.session, set.name);
          if (f.json) printJson(r);
          else console.log(`${set.name}: dropped ${r.dropped.length} retired leaves, freed ${formatBytes(r.freedBytes)}; rollback now refuses (roll forward only)`);
        });
      } catch (e) {
        fail(e, Boolean(f.json));
      }
    },
  );
}
