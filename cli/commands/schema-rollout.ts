// `sqlfleet schema rollout <env> --set <set>` and `sqlfleet schema status <env> --set <set>`: one migration set over
// every database of an environment (from the committed stack files), in waves, pool-aware, resumable from the
// databases' own ledgers. Connections: the embedded PostgreSQL (demo databases) by default, like `schema apply`
// without --url; --entra for the servers named in the stack files; --url-template for any other server.
import chalk from "chalk";
import type { Command } from "commander";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { InputError } from "../../stacks/config/errors";
import { PROJECT_ROOT } from "../../stacks/fleet-files";
import { entraConnector, templateConnector, type FleetConnector } from "../../schema/fleet/connect";
import { openEmbeddedFleet } from "../../schema/fleet/embedded";
import { fleetStatus, rollout } from "../../schema/fleet/rollout";
import { fleetTargets } from "../../schema/fleet/source";
import type { FleetTarget } from "../../schema/fleet/types";
import { planWaves } from "../../schema/fleet/waves";
import { DEFAULT_CONFORMANCE_TYPES } from "../../schema/sets/fhir-partitioning/options";
import { setNames } from "../../schema/sets";
import { defaultDeps, type CliDeps } from "../deps";
import { reportFailure } from "../errors";
import { jsonWatcher, lineWatcher, ttyWatcher, type FleetWatcher } from "../fleet-watch";
import { printJson, table } from "../format";

const ROOT = path.resolve(__dirname, "../..");

export interface FleetFlags {
  set: string;
  urlTemplate?: string;
  entra?: boolean;
  demoResources?: string;
  canary?: string;
  batchPercent?: string;
  concurrency?: string;
  perPool?: string;
  report?: string;
  json?: boolean;
  /** Where the Pulumi.<stack>.yaml files are (default: the project root). */
  root?: string;
}

/** The connection default, said the same way in --help, the README and the command's first line. */
export const CONNECTION_HELP =
  "connections: without --url-template/--entra, the embedded PostgreSQL under .sqlfleet/ (each customer database becomes a demo database <env>_<database>), like `schema apply` without --url; --entra for the Azure servers named in the stack files (Entra tokens, DefaultAzureCredential)";

function intFlag(name: string, raw: string | undefined, dflt: number, min: number, max: number): number {
  if (raw === undefined) return dflt;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) throw new InputError(name, `${name} must be an integer from ${min} to ${max}; got ${JSON.stringify(raw)}`);
  return n;
}

interface Resolved {
  targets: FleetTarget[];
  connector: FleetConnector;
  note: string;
  close(): Promise<void>;
}

/** Validates every flag and resolves targets before any database is touched. */
async function resolve(env: string, f: FleetFlags, create: boolean, deps: CliDeps): Promise<Resolved> {
  if (!setNames().includes(f.set)) throw new InputError("--set", `--set "${f.set}" is unknown; allowed: ${setNames().join(", ")}`);
  if (f.urlTemplate && f.entra) throw new InputError("--url-template", "--url-template and --entra are exclusive");
  const demo = intFlag("--demo-resources", f.demoResources, 20_000, 0, 100_000_000);
  if (f.demoResources !== undefined && (f.urlTemplate || f.entra)) throw new InputError("--demo-resources", "--demo-resources only applies to the embedded default (omit --url-template/--entra)");
  // One Fleet for the whole command: each stack file is read and parsed once.
  const targets = fleetTargets(deps.openFleet(f.root ?? PROJECT_ROOT), env, f.set);
  if (f.urlTemplate) {
    let c: FleetConnector;
    try {
      c = templateConnector(f.urlTemplate);
    } catch (e) {
      throw new InputError("--url-template", (e as Error).message);
    }
    return { targets, connector: c, note: c.describe, close: async () => undefined };
  }
  if (f.entra) {
    const c = entraConnector();
    return { targets, connector: c, note: c.describe, close: async () => undefined };
  }
  const emb = await openEmbeddedFleet({ root: ROOT, env, targets, setName: f.set, demoResources: demo, conformanceTypes: [...DEFAULT_CONFORMANCE_TYPES], create });
  const note = `${emb.connector.describe}${emb.created.length ? `; created ${emb.created.length} demo database(s) with ${demo} resources each` : ""}`;
  return { targets, connector: emb.connector, note, close: emb.close };
}

function watcherFor(json: boolean): FleetWatcher {
  if (json) return jsonWatcher();
  return process.stderr.isTTY ? ttyWatcher() : lineWatcher();
}

export function registerRolloutCommands(schema: Command, deps: CliDeps = defaultDeps): void {
  schema
    .command("rollout <env>")
    .description(`apply a set to every database of an environment: canary wave, then batches; one backfill per elastic pool; re-run to resume. ${CONNECTION_HELP}`)
    .requiredOption("--set <name>", `migration set (${setNames().join(", ")})`)
    .option("--canary <ids>", "comma-separated databases of the canary wave (default: the smallest)")
    .option("--batch-percent <p>", "size of each later wave, % of the fleet (1-100, default 25)")
    .option("--concurrency <n>", "databases running at once across the fleet (1-1000, default 4)")
    .option("--per-pool <n>", "databases running at once in one elastic pool (1-1000, default 1; a Hyperscale database is its own pool)")
    .option("--url-template <url>", "connect to postgres://…/{database} (placeholders {database}, {customer}, {server}) instead of the embedded default")
    .option("--entra", "connect to the servers named in the stack files with Entra tokens (DefaultAzureCredential)")
    .option("--demo-resources <n>", "embedded default: resources seeded into each newly created demo database (default 20000)")
    .option("--root <dir>", "directory holding the Pulumi.<stack>.yaml files", PROJECT_ROOT)
    .option("--report <file>", "write the outcome as JSON (output only; the ledgers stay the state)")
    .option("--json", "one JSON event per line on stdout")
    .action(async (env: string, f: FleetFlags) => {
      const json = Boolean(f.json);
      let r: Resolved | undefined;
      let paused = false;
      const onSigint = () => {
        if (paused) process.exit(130);
        paused = true;
        if (!json) console.error(chalk.yellow("\npausing: no new databases start; running ones stop at their next batch boundary (Ctrl-C again to abort)…"));
      };
      try {
        const concurrency = intFlag("--concurrency", f.concurrency, 4, 1, 1000);
        const perPool = intFlag("--per-pool", f.perPool, 1, 1, 1000);
        const batchPercent = intFlag("--batch-percent", f.batchPercent, 25, 1, 100);
        r = await resolve(env, f, true, deps);
        let waves;
        try {
          waves = planWaves(r.targets, { batchPercent, canary: f.canary?.split(",").map((s) => s.trim()).filter(Boolean) });
        } catch (e) {
          throw new InputError("--canary", (e as Error).message);
        }
        if (!json) console.error(chalk.dim(`${env}: ${r.targets.length} database(s), ${waves.length} wave(s); ${r.note}`));
        process.on("SIGINT", onSigint);
        const w = watcherFor(json);
        const res = await rollout({ setName: f.set, waves, connector: r.connector, concurrency, perPool, shouldPause: () => paused, onEvent: (e) => w.onEvent(e) });
        w.stop();
        const summary = { env, set: f.set, state: res.state, waves: waves.map((x) => ({ index: x.index, kind: x.kind, databases: x.targets.map((t) => t.id) })), databases: res.databases };
        if (f.report) writeFileSync(f.report, `${JSON.stringify(summary, null, 2)}\n`);
        if (json) process.stdout.write(`${JSON.stringify({ type: "result", ...summary })}\n`);
        else {
          console.log(table(res.databases.map((d) => [d.id, d.pool, d.wave, d.outcome, d.rowsMoved, d.error]), ["database", "pool", "wave", "outcome", "rows moved", "error"]));
          console.log(res.state === "paused" ? chalk.yellow("paused: run the same command again to resume") : res.state === "failed" ? chalk.red("failed: fix the database(s) above and run the same command again") : chalk.green("completed"));
        }
        if (res.state === "failed") process.exitCode = 1;
      } catch (e) {
        reportFailure(e, json);
      } finally {
        process.off("SIGINT", onSigint);
        await r?.close();
      }
    });
}

/** `schema status <env> --set <set>`: the fleet from the ledgers alone. */
export async function fleetStatusAction(env: string, f: FleetFlags, deps: CliDeps = defaultDeps): Promise<void> {
  const json = Boolean(f.json);
  let r: Resolved | undefined;
  try {
    r = await resolve(env, f, false, deps);
    const rows = await fleetStatus(r.targets, r.connector, f.set);
    if (json) return printJson({ env, set: f.set, databases: rows });
    console.error(chalk.dim(r.note));
    console.log(table(rows.map((x) => [x.id, x.pool, x.state, x.error]), ["database", "pool", "state", "error"]));
    const done = rows.filter((x) => x.state === "completed").length;
    console.log(`${done}/${rows.length} completed`);
  } catch (e) {
    reportFailure(e, json);
  } finally {
    await r?.close();
  }
}
