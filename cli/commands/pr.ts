// `sqlfleet pr --base <ref>`: the pull-request check (stacks/pr/run.ts) printed as text, JSON, Markdown, SARIF or
// JUnit. Exit 0 clean, 1 mandatory violation or unacknowledged data loss, 2 invalid configuration.
import chalk from "chalk";
import type { Command } from "commander";
import { appendFileSync, writeFileSync } from "node:fs";
import { runPrCheck, type PrReport } from "../../stacks/pr/run";
import { checkNoticeFlags, prNotices } from "../../stacks/notices/commands";
import { repoRoot } from "../../stacks/pr/git";
import { defaultDeps, type CliDeps } from "../deps";
import { reportFailure } from "../errors";
import { printJson } from "../format";
import { prJunit } from "../pr/junit";
import { prMarkdown } from "../pr/markdown";
import { prSarif } from "../pr/sarif";

const FORMATS = ["text", "json", "markdown", "sarif", "junit"] as const;
type Format = (typeof FORMATS)[number];

export function render(r: PrReport, format: Format): string {
  if (format === "json") return `${JSON.stringify(r, null, 2)}\n`;
  if (format === "sarif") return `${JSON.stringify(prSarif(r), null, 2)}\n`;
  if (format === "junit") return prJunit(r);
  return prMarkdown(r);
}

export function registerPrCommands(program: Command, deps: CliDeps = defaultDeps): void {
  program
    .command("pr")
    .description("pull-request check: plan the stacks a git diff affects at the base and at the head, classify the changes, run the policy pack")
    .requiredOption("--base <ref>", "git ref to diff the working tree against (e.g. origin/main, HEAD~1)")
    .option("--repo <dir>", "the repository (default: the current directory's)", ".")
    .option("--format <format>", `output: ${FORMATS.join(", ")}`, "text")
    .option("--out <file>", "write the output to this file instead of stdout")
    .option("--summary <file>", "also append the Markdown summary to this file (e.g. $GITHUB_STEP_SUMMARY)")
    .option("--acknowledge-data-loss <stack[:resource]...>", "accept a data-losing replacement/deletion in <stack> (or of one resource; '*' for all)")
    .option("--notices <dir>", "write one notice per affected customer to <dir> (<stack>.md and <stack>.json)")
    .option("--window <interval>", "the planned window the notices announce (ISO-8601 interval; default: the environment's noticeWindow, else Saturday 22:00 UTC for 4 h)")
    .action(async (flags: { base: string; repo: string; format: string; out?: string; summary?: string; acknowledgeDataLoss?: string[]; notices?: string; window?: string }) => {
      if (!(FORMATS as readonly string[]).includes(flags.format)) {
        console.error(chalk.red(`--format ${flags.format}: allowed ${FORMATS.join(", ")}`));
        process.exitCode = 2;
        return;
      }
      try {
        checkNoticeFlags(flags);
        const repo = repoRoot(flags.repo);
        const report = await runPrCheck({ repo, base: flags.base, acknowledged: flags.acknowledgeDataLoss ?? [], openFleet: (root) => deps.openFleet(root) });
        const notices = prNotices(flags, report, repo);
        if (notices) console.error(`notices: ${notices.notices.length} written to ${notices.dir}`);
        const text = render(report, flags.format as Format);
        if (flags.summary) appendFileSync(flags.summary, prMarkdown(report));
        if (flags.out) writeFileSync(flags.out, text);
        else if (flags.format === "json") printJson(report);
        else process.stdout.write(text);
        process.exitCode = report.exitCode;
      } catch (e) {
        reportFailure(e, flags.format === "json");
      }
    });
}
