// `sqlfleet customer add`: runs placement over the committed fleet and writes Pulumi.<env>-<customer>.yaml, or
// says which pool to add when none has room.
import chalk from "chalk";
import type { Command } from "commander";
import { existsSync, writeFileSync } from "node:fs";
import { stackFilePath, PROJECT_ROOT } from "../../stacks/fleet";
import { planNewCustomer } from "../../stacks/onboarding";
import { defaultDeps, type CliDeps } from "../deps";
import { reportFailure } from "../errors";
import { heading, printJson, table } from "../format";
import { InputError } from "../../stacks/config/errors";

interface AddFlags {
  fhirGb: string;
  dicomGb?: string;
  growthPerYear?: string;
  cmk?: string;
  displayName?: string;
  dryRun?: boolean;
  json?: boolean;
  root?: string;
}

function number(flag: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n)) throw new InputError(flag, `${flag} = ${JSON.stringify(v)} is not a number`);
  return n;
}

export function registerCustomerCommands(program: Command, deps: CliDeps = defaultDeps): void {
  const customer = program.command("customer").description("customer workspaces (one stack per customer)");
  customer
    .command("add")
    .description("place a new customer's FHIR/DICOM databases over the committed fleet and write Pulumi.<env>-<customer>.yaml")
    .argument("<env>", "environment stack (dev, prod)")
    .argument("<customer>", "customer slug, e.g. contoso")
    .requiredOption("--fhir-gb <n>", "FHIR database size today, GB")
    .option("--dicom-gb <n>", "DICOM database size today, GB")
    .option("--growth-per-year <p>", "compound growth per year as a fraction (0.25 = 25%); default the environment's")
    .option("--cmk <scope>", "TDE protector: server (the environment's key) or database (a key per customer)", "server")
    .option("--display-name <name>", "human-readable customer name")
    .option("--dry-run", "print the decision and the file, write nothing")
    .option("--root <dir>", "directory holding the Pulumi.<stack>.yaml files", PROJECT_ROOT)
    .option("--json", "print the result as JSON")
    .action((env: string, name: string, flags: AddFlags) => {
      try {
        if (flags.cmk !== "server" && flags.cmk !== "database") throw new InputError("--cmk", `--cmk = ${JSON.stringify(flags.cmk)}; allowed: server, database`);
        const root = flags.root ?? PROJECT_ROOT;
        const fleet = deps.openFleet(root);
        const envCfg = fleet.environmentConfig(env);
        const { members } = fleet.members(env);
        const result = planNewCustomer(
          {
            env,
            customer: name,
            displayName: flags.displayName,
            fhirGb: number("--fhir-gb", flags.fhirGb)!,
            dicomGb: number("--dicom-gb", flags.dicomGb),
            growthPerYear: number("--growth-per-year", flags.growthPerYear),
            cmkScope: flags.cmk,
          },
          envCfg,
          members,
        );
        const file = stackFilePath(result.stack, root);
        const written = result.ok && !flags.dryRun;
        if (written) {
          if (existsSync(file)) throw new InputError(file, "already exists");
          writeFileSync(file, result.yaml);
        }
        if (flags.json) {
          printJson({ ...result, file, written });
        } else {
          console.log(heading(`Placement for ${result.stack}`));
          console.log(
            table(
              result.decisions.map((d) => [d.role, d.sizeGb, d.projectedGb, d.placement.tier === "pool" ? `pool ${d.placement.pool} (max ${d.placement.maxSizeGb} GB)` : `Hyperscale ${d.placement.vCores} vCores`, d.reason]),
              ["db", "size GB", "projected GB", "placement", "why"],
            ),
          );
          if (!result.ok) {
            console.log(chalk.yellow(result.message));
          } else if (flags.dryRun) {
            console.log(chalk.dim(`\n--dry-run: would write ${file}:\n`));
            console.log(result.yaml);
          } else {
            console.log(chalk.green(`\nwrote ${file}`) + chalk.dim(` — next: sqlfleet plan ${result.stack}`));
          }
        }
        // No room is not a config error: the fleet needs a pool first.
        process.exitCode = result.ok ? 0 : 1;
      } catch (e) {
        reportFailure(e, !!flags.json);
      }
    });
}
