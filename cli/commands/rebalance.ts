// `sqlfleet rebalance <env> --metrics <file> [--write]`: proposed moves with their classification and pool
// utilisation before and after; --write edits the customer stack files.
import chalk from "chalk";
import type { Command } from "commander";
import { parseMetricsSnapshot } from "../../placement/metrics";
import { pct, type PoolUtilisation } from "../../placement/rebalance";
import { readJsonFile, PROJECT_ROOT } from "../../stacks/fleet";
import { planEnvironmentRebalance, writeMoves } from "../../stacks/rebalancing";
import { checkNoticeFlags, rebalanceNotices } from "../../stacks/notices/commands";
import { defaultDeps, type CliDeps } from "../deps";
import { reportFailure } from "../errors";
import { heading, printJson, table, verdict } from "../format";

interface Flags {
  metrics: string;
  write?: boolean;
  json?: boolean;
  root?: string;
  notices?: string;
  window?: string;
}

export function registerRebalanceCommands(program: Command, deps: CliDeps = defaultDeps): void {
  program
    .command("rebalance")
    .description("propose the fewest pool moves that bring every pool of an environment inside the band, from a metrics snapshot")
    .argument("<env>", "environment stack (dev, prod)")
    .requiredOption("--metrics <file>", "metrics snapshot JSON (placement/README.md: capturedAt, windowHours, databases[{name, pool, storageUsedGb, avgVCores, peakVCores}])")
    .option("--write", "update the customer stack files with the moves")
    .option("--root <dir>", "directory holding the Pulumi.<stack>.yaml files", PROJECT_ROOT)
    .option("--json", "print the plan as JSON")
    .option("--notices <dir>", "write one notice per affected customer to <dir> (<stack>.md for people, <stack>.json for a mail/ticket system)")
    .option("--window <interval>", "the planned window the notices announce, ISO-8601 <start>/<end> or <start>/<duration> (default: the environment's noticeWindow, else Saturday 22:00 UTC for 4 h)")
    .action((env: string, flags: Flags) => {
      try {
        checkNoticeFlags(flags);
        const root = flags.root ?? PROJECT_ROOT;
        const fleet = deps.openFleet(root);
        const envCfg = fleet.environmentConfig(env);
        const { members } = fleet.members(env);
        const snapshot = parseMetricsSnapshot(readJsonFile(flags.metrics), flags.metrics);
        const plan = planEnvironmentRebalance(envCfg, members, snapshot);
        const written = flags.write && plan.moves.length > 0 ? writeMoves(plan, members, fleet) : [];
        const notices = rebalanceNotices(flags, env, fleet, plan);
        if (flags.json) {
          printJson({ env, ...plan, written, ...(notices ? { notices: notices.files } : {}) });
        } else {
          console.log(heading(`Rebalance ${env}`) + chalk.dim(` (fill target ${pct(envCfg.placement.fillTarget)}, spread ${pct(envCfg.placement.spread)} above the mean; snapshot ${snapshot.capturedAt}, ${snapshot.windowHours} h)`));
          console.log(utilTable(plan.before, plan.after));
          console.log();
          if (plan.moves.length === 0) console.log(chalk.green("no moves needed"));
          else
            console.log(
              table(
                plan.moves.map((m, i) => [i + 1, m.database, m.stack, `${m.from} → ${m.to}`, m.storageGb, m.avgVCores, verdict(m.change.classification), m.change.reasons.join("; ")]),
                ["#", "database", "stack", "move", "GB", "avg vCores", "class", "why"],
              ),
            );
          for (const u of plan.unresolved) console.log(chalk.yellow(`${u.pool}: ${u.why}`));
          if (written.length > 0) console.log(chalk.green(`\nupdated ${written.join(", ")} — next: sqlfleet plan <stack> for each`));
          else if (plan.moves.length > 0) console.log(chalk.dim("\n(dry run: --write updates the customer stack files)"));
          if (notices) console.log(`notices: ${notices.notices.length} for ${notices.notices.map((n) => n.customer.stack).join(", ") || "nobody (no moves)"} in ${notices.dir} (window ${notices.notices[0]?.window.start ?? "-"} – ${notices.notices[0]?.window.end ?? "-"})`);
        }
        process.exitCode = plan.unresolved.length > 0 ? 1 : 0;
      } catch (e) {
        reportFailure(e, !!flags.json);
      }
    });
}

function utilTable(before: PoolUtilisation[], after: PoolUtilisation[]): string {
  return table(
    before.map((b, i) => {
      const a = after[i];
      return [b.pool, `${b.databases} → ${a.databases}`, `${pct(b.storage)} → ${pct(a.storage)}`, `${pct(b.cpu)} → ${pct(a.cpu)}`, `${verdict(b.inBand ? "ok" : "warn")} → ${verdict(a.inBand ? "ok" : "warn")}`, a.why ?? b.why ?? ""];
    }),
    ["pool", "databases", "storage", "avg vCores", "band", "note"],
  );
}
