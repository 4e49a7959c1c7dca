// The `sqlfleet` command: a thin front door over the same functions the stacks and tests use.
import { Command } from "commander";
import { registerPlanCommands } from "./commands/plan";
import { registerCustomerCommands } from "./commands/customer";
import { registerRebalanceCommands } from "./commands/rebalance";
import { registerDeployCommands } from "./commands/deploy";
import { registerPolicyCommands } from "./commands/policy";
import { registerSchemaCommands } from "./commands/schema";
import { registerPrCommands } from "./commands/pr";

export function buildProgram(): Command {
  const program = new Command("sqlfleet")
    .description("Plan, place, check and migrate the Azure SQL data tier of the FHIR/DICOM platform")
    .showHelpAfterError();
  // Subcommands register themselves here, one module per command group (cli/commands/*.ts).
  registerPlanCommands(program);
  registerCustomerCommands(program);
  registerRebalanceCommands(program);
  registerDeployCommands(program);
  registerPolicyCommands(program);
  registerSchemaCommands(program);
  registerPrCommands(program);
  return program;
}

if (require.main === module) {
  buildProgram()
    .parseAsync(process.argv)
    .catch((e: unknown) => {
      console.error(e instanceof Error ? e.message : String(e));
      process.exit(process.exitCode && process.exitCode !== 0 ? process.exitCode : 1);
    });
}
