// `sqlfleet logs export <stack>`: download the SQL audit log of an environment (all servers) or a customer (its
// databases) for a time range, as CSV or JSON lines, through the Log Analytics query API. A progress line goes to
// stderr so stdout carries only the data; with --out the file appears only when the export completed.
import chalk from "chalk";
import type { Command } from "commander";
import { appendFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { InputError } from "../../stacks/config/errors";
import { exportLogs, ExportError, type ExportProgress } from "../../stacks/logs/export";
import { EXPORT_KINDS } from "../../stacks/logs/query";
import { parseExportRequest, type ExportFlags } from "../../stacks/logs/request";
import { exportTarget } from "../../stacks/logs/target";
import { defaultDeps, type CliDeps } from "../deps";
import { reportFailure } from "../errors";

export function registerLogsCommands(program: Command, deps: CliDeps = defaultDeps): void {
  const logs = program.command("logs").description("browse and download the SQL audit log (the workbook is linked from `sqlfleet plan <env>`)");
  logs
    .command("export")
    .description("download audit events for a time range as CSV or JSON lines, through the Log Analytics query API")
    .argument("<stack>", "an environment (all its servers) or a customer stack (its databases only)")
    .requiredOption("--from <iso>", "start, inclusive: ISO 8601 date (UTC midnight) or date-time with a zone")
    .requiredOption("--to <iso>", "end, exclusive: ISO 8601 date or date-time with a zone")
    .option("--query <kind>", `which events: ${EXPORT_KINDS.join("|")}`, "all")
    .option("--format <format>", "csv|jsonl", "jsonl")
    .option("--out <file>", "write to this file (created only when the export completes) instead of stdout")
    .option(
      "--workspace-id <guid>",
      "the Log Analytics workspace id (GUID; Azure assigns it, so it is not in the stack files: `az monitor log-analytics workspace show --query customerId`, or the workspace's Overview in the portal)",
    )
    .option("--window-hours <n>", "hours per query window before adaptive splitting (1-744)", "24")
    .action(async (stack: string, flags: ExportFlags) => {
      try {
        await runExport(stack, flags, deps);
      } catch (e) {
        reportFailure(e, false);
      }
    });
}

async function runExport(stack: string, flags: ExportFlags, deps: CliDeps): Promise<void> {
  const req = parseExportRequest(flags);
  const target = exportTarget(deps.openFleet(), stack);
  if (!req.workspaceId) {
    throw new InputError(
      "--workspace-id",
      `--workspace-id is required: the id (GUID) of ${target.workspaceName} in ${target.resourceGroup} is assigned by Azure and is not in the stack files; ` +
        `read it with \`az monitor log-analytics workspace show -g ${target.resourceGroup} -n ${target.workspaceName} --query customerId\``,
    );
  }
  const client = (deps.logsClient ?? defaultDeps.logsClient!)();
  const partial = req.out ? `${req.out}.partial` : undefined;
  if (partial) writeFileSync(partial, "");
  const write = partial ? (s: string) => appendFileSync(partial, s) : (s: string) => void process.stdout.write(s);
  const progress = progressLine();
  try {
    const result = await exportLogs({
      client,
      workspaceId: req.workspaceId,
      kind: req.kind,
      from: req.from,
      to: req.to,
      format: req.format,
      windowMs: req.windowMs,
      databases: target.databases,
      write,
      onProgress: progress.update,
    }).catch((e: unknown) => {
      if (e instanceof ExportError) throw e;
      throw new ExportError(`Log Analytics query failed: ${(e as Error).message}`);
    });
    progress.done();
    if (partial && req.out) renameSync(partial, req.out);
    const scope = target.databases ? `databases ${target.databases.join(", ")}` : `every server of ${target.env}`;
    console.error(
      chalk.dim(`exported ${result.rows} ${req.kind} event(s) of ${scope}, ${req.from.toISOString()} to ${req.to.toISOString()}, in ${result.queries} quer${result.queries === 1 ? "y" : "ies"}${req.out ? ` → ${req.out}` : ""}`),
    );
  } catch (e) {
    progress.done();
    if (partial) rmSync(partial, { force: true });
    throw e;
  }
}

/** One line on stderr: rewritten in place on a terminal, one line per window otherwise (CI logs). */
function progressLine() {
  const tty = process.stderr.isTTY === true;
  let drawn = false;
  return {
    update(p: ExportProgress) {
      const pct = p.totalMs > 0 ? Math.floor((100 * p.doneMs) / p.totalMs) : 100;
      const line = `logs export: ${pct}% of the range, ${p.rows} rows, ${p.queries} quer${p.queries === 1 ? "y" : "ies"} (through ${p.window.end.toISOString()})`;
      if (tty) {
        process.stderr.write(`\r\x1b[2K${line}`);
        drawn = true;
      } else process.stderr.write(`${line}\n`);
    },
    done() {
      if (tty && drawn) process.stderr.write("\r\x1b[2K");
      drawn = false;
    },
  };
}
