// `sqlfleet plan <stack>`: the offline plan. Runs the real stack program under mocks and prints the resource
// tree with the properties that matter, the placement decisions, the policy verdicts and (with --against) the
// classified diff. Exit 0 clean, 1 mandatory policy violation, 2 invalid configuration.
import chalk from "chalk";
import type { Command } from "commander";
import { writeFileSync } from "node:fs";
import { workbookLinks } from "../../stacks/plan/links";
import { failoverMembership, resourceFacts } from "../../stacks/plan/summary";
import { runPlan, type PlanReport } from "../../stacks/plan/run";
import { InputError } from "../../stacks/config/errors";
import type { PlanResource } from "../../stacks/plan/snapshot";
import { checkNoticeFlags, planNotices } from "../../stacks/notices/commands";
import { defaultDeps, type CliDeps } from "../deps";
import { reportFailure } from "../errors";
import { heading, printJson, table, verdict } from "../format";

interface PlanFlags {
  config?: string;
  against?: string;
  json?: boolean;
  out?: string;
  policies?: boolean;
  notices?: string;
  window?: string;
}

export function registerPlanCommands(program: Command, deps: CliDeps = defaultDeps): void {
  program
    .command("plan")
    .description("plan a stack offline: resources, placement decisions, policy verdicts, and the classified diff against a baseline")
    .argument("<stack>", "stack name: dev, prod, or <env>-<customer> (a committed Pulumi.<stack>.yaml)")
    .option("--config <file>", "plan this config file instead of Pulumi.<stack>.yaml (e.g. a proposed change)")
    .option("--against <file>", "diff against a previous `sqlfleet plan --json` or a `pulumi stack export` file")
    .option("--out <file>", "also write the plan as JSON to this file (a baseline for a later --against)")
    .option("--no-policies", "skip the policy pack")
    .option("--json", "print the plan as JSON")
    .option("--notices <dir>", "with --against: write one notice per affected customer to <dir> (<stack>.md and <stack>.json)")
    .option("--window <interval>", "the planned window the notices announce, ISO-8601 <start>/<end> or <start>/<duration> (default: the environment's noticeWindow, else Saturday 22:00 UTC for 4 h)")
    .action(async (stack: string, flags: PlanFlags) => {
      try {
        checkNoticeFlags(flags);
        if (flags.notices && !flags.against) throw new InputError("--notices", "needs --against <baseline>: notices describe the changes against a baseline");
        const fleet = deps.openFleet();
        const report = await runPlan(stack, { fleet, configFile: flags.config, against: flags.against, skipPolicies: flags.policies === false });
        const notices = planNotices(flags, report, fleet);

        if (flags.out) writeFileSync(flags.out, `${JSON.stringify(report, null, 2)}\n`);
        if (flags.json) printJson(notices ? { ...report, notices: notices.files } : report);
        else printPlan(report);
        if (notices && !flags.json) console.log(`notices: ${notices.notices.length} written to ${notices.dir}${notices.notices.length > 0 ? ` (${notices.notices.map((n) => n.customer.stack).join(", ")})` : ""}`);
        process.exitCode = report.exitCode;
      } catch (e) {
        reportFailure(e, !!flags.json);
      }
    });
}

const SHOWN = new Set(["server", "pool", "database", "failover-group", "key", "vault", "postgres", "schema"]);

function printPlan(r: PlanReport): void {
  console.log(`${heading(`Plan for stack ${r.stack}`)} ${chalk.dim(`(${r.kind}, ${r.configFile})`)}`);
  console.log(chalk.dim("Offline: the real stack program under Pulumi's mocks; no Azure, no Pulumi CLI.\n"));
  printTree(r.resources);
  printWorkbookLinks(r.resources);
  console.log();
  printDecisions(r);
  console.log();
  printPolicies(r);
  if (r.diff) {
    console.log();
    printDiff(r);
  }
  for (const w of r.warnings) console.log(chalk.yellow(`warning: ${w}`));
  console.log();
  const status = r.exitCode === 0 ? chalk.green("clean") : chalk.red("mandatory policy violations");
  console.log(`${chalk.bold("Result:")} ${status} (${r.resources.length} resources; exit ${r.exitCode})`);
}

function printTree(resources: PlanResource[]): void {
  console.log(heading("Resources"));
  const fogs = failoverMembership(resources);
  const byUrn = new Map(resources.map((x) => [x.urn, x]));
  const shown = resources.filter((x) => SHOWN.has(resourceFacts(x, fogs).kind) || x.type.startsWith("sqlfleet:"));
  const shownUrns = new Set(shown.map((x) => x.urn));
  // Nearest shown ancestor: the tree skips supporting resources but keeps the nesting of what it shows.
  const shownParent = (x: PlanResource): string | undefined => {
    for (let p = x.parent ? byUrn.get(x.parent) : undefined; p; p = p.parent ? byUrn.get(p.parent) : undefined) if (shownUrns.has(p.urn)) return p.urn;
    return undefined;
  };
  const children = new Map<string | undefined, PlanResource[]>();
  for (const x of shown) {
    const k = shownParent(x);
    children.set(k, [...(children.get(k) ?? []), x]);
  }
  const visit = (x: PlanResource, depth: number) => {
    const facts = resourceFacts(x, fogs);
    const props = Object.entries(facts.props)
      .filter(([k, v]) => v !== undefined && k !== "name")
      .map(([k, v]) => `${chalk.dim(`${k}=`)}${String(v)}`)
      .join(" ");
    const label = x.type.startsWith("sqlfleet:") ? chalk.bold(`${x.type.split(":").pop()} ${x.name}`) : `${chalk.cyan(x.type.replace("azure-native:", "").replace("pulumi-nodejs:dynamic/sqlfleet:", ""))} ${facts.props.name ?? x.name}`;
    const flags = [x.protect ? chalk.dim("protected") : "", x.retainOnDelete && !x.type.startsWith("sqlfleet:") ? chalk.dim("retained") : ""].filter(Boolean).join(" ");
    console.log(`${"  ".repeat(depth)}${label} ${props} ${flags}`.trimEnd());
    for (const c of children.get(x.urn) ?? []) visit(c, depth + 1);
  };
  for (const root of children.get(undefined) ?? []) visit(root, 0);
  console.log(chalk.dim(`+ ${resources.length - shown.length} supporting resources (diagnostic settings, TDE, retention policies, network, RBAC, alerts, ...)`));
}

function printWorkbookLinks(resources: PlanResource[]): void {
  for (const w of workbookLinks(resources)) {
    console.log(`${chalk.bold("Audit workbook:")} ${w.displayName} ${chalk.dim(w.id)}`);
    console.log(`  ${w.portalUrl}${w.placeholderSubscription ? chalk.dim(" (offline plan: placeholder subscription; the workbook name is the deployed one)") : ""}`);
  }
}

function printDecisions(r: PlanReport): void {
  console.log(heading("Placement decisions"));
  if (r.decisions.databases.length > 0) {
    console.log(
      table(
        r.decisions.databases.map((d) => [d.stack, d.role, d.sizeGb, d.projectedGb, d.configured, d.recommended, verdict(d.verdict), d.note]),
        ["stack", "db", "size GB", "projected GB", "configured", "recommended", "verdict", "why"],
      ),
    );
  } else console.log(chalk.dim("no customer databases in this environment yet"));
  console.log(
    table(
      r.decisions.pools.map((p) => [p.pool, `${p.edition} ${p.vCores}`, `${p.databases}/${p.maxDatabases}`, `${p.projectedGb}/${p.capacityGb}`, p.fill, verdict(p.verdict), p.note]),
      ["pool", "size", "databases", "projected GB", "fill", "verdict", "note"],
    ),
  );
}

function printPolicies(r: PlanReport): void {
  console.log(heading("Policy verdicts"));
  if (!r.policy.ran) {
    console.log(chalk.dim("policy pack not run"));
    return;
  }
  if (r.policy.diagnostics.length === 0) {
    console.log(chalk.green("no violations"));
    return;
  }
  console.log(
    table(
      r.policy.diagnostics.map((d) => [verdict(d.enforcementLevel), d.policyId, d.urn.split("::").pop(), d.message]),
      ["level", "policy", "resource", "message"],
    ),
  );
}

function printDiff(r: PlanReport): void {
  console.log(heading("Changes against the baseline"));
  const diff = r.diff ?? [];
  if (diff.length === 0) {
    console.log(chalk.green("no changes"));
    return;
  }
  for (const c of diff) {
    console.log(`${verdict(c.classification)} ${chalk.bold(c.name)} ${chalk.dim(c.type)}${c.dataLoss ? chalk.red.bold(" DATA LOSS") : ""}`);
    for (const why of c.reasons) console.log(`    ${why}`);
    c.steps.forEach((s, i) => console.log(`    ${i + 1}. ${s}`));
  }
}
