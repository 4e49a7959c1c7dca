// `sqlfleet credentials <stack>`: every key and secret with its expiry and next rotation, from the offline plan.
// Exit 0; 2 for an unknown stack or invalid config.
import chalk from "chalk";
import type { Command } from "commander";
import { credentialReport, type CredentialReport } from "../../stacks/credentials";
import { defaultDeps, type CliDeps } from "../deps";
import { reportFailure } from "../errors";
import { heading, printJson, table } from "../format";

interface Flags {
  config?: string;
  json?: boolean;
}

export function registerCredentialCommands(program: Command, deps: CliDeps = defaultDeps): void {
  program
    .command("credentials")
    .description("list every Key Vault key and secret of a stack (an environment: with its customer stacks) with its expiry and next rotation, from the offline plan")
    .argument("<stack>", "stack name: dev, prod, or <env>-<customer>")
    .option("--config <file>", "read this config file instead of Pulumi.<stack>.yaml")
    .option("--json", "print the list as JSON")
    .action(async (stack: string, flags: Flags) => {
      try {
        const report = await credentialReport(stack, { fleet: deps.openFleet(), configFile: flags.config });
        if (flags.json) printJson(report);
        else printReport(report);
      } catch (e) {
        reportFailure(e, !!flags.json);
      }
    });
}

function printReport(r: CredentialReport): void {
  console.log(`${heading(`Credentials of ${r.stack}`)} ${chalk.dim(`(${r.stacks.join(", ")})`)}`);
  console.log(chalk.dim("Offline: the stack programs under Pulumi's mocks; a key version's own dates are Azure's and not in the plan.\n"));
  if (r.credentials.length === 0) console.log(chalk.dim("no keys or secrets"));
  else
    console.log(
      table(
        r.credentials.map((c) => [c.stack, c.vault, c.kind, c.name, c.expires, c.nextRotation, c.rotation, c.expiryAlerts ? chalk.green("yes") : chalk.red("no")]),
        ["stack", "vault", "kind", "name", "expires", "next rotation", "rotation", "expiry alerts"],
      ),
    );
  for (const s of r.skipped) console.log(chalk.yellow(`warning: ${s.stack} left out: ${s.error}`));
}
