// The `sqlfleet` command: a thin front door over the same functions the stacks and tests use.
import { Command, CommanderError } from "commander";
import { EXIT, reportFailure, setDebug } from "./errors";
import { registerPlanCommands } from "./commands/plan";
import { registerCustomerCommands } from "./commands/customer";
import { registerRebalanceCommands } from "./commands/rebalance";
import { registerDeployCommands } from "./commands/deploy";
import { registerPolicyCommands } from "./commands/policy";
import { registerSchemaCommands } from "./commands/schema";
import { registerPrCommands } from "./commands/pr";
import { registerLogsCommands } from "./commands/logs";
import { registerCredentialCommands } from "./commands/credentials";
import { defaultDeps, type CliDeps } from "./deps";

export function buildProgram(deps: CliDeps = defaultDeps): Command {
  const program = new Command("sqlfleet")
    .description("Plan, place, check and migrate the Azure SQL data tier of the FHIR/DICOM platform")
    .option("--debug", "print the stack of an unexpected error")
    .showHelpAfterError()
    // A bad flag or argument is invalid input (exit 2); inherited by every subcommand registered below.
    .exitOverride();
  program.hook("preAction", (cmd) => setDebug(Boolean(cmd.optsWithGlobals().debug)));
  // Subcommands register themselves here, one module per command group (cli/commands/*.ts).
  registerPlanCommands(program, deps);
  registerCustomerCommands(program, deps);
  registerRebalanceCommands(program, deps);
  registerDeployCommands(program);
  registerPolicyCommands(program, deps);
  registerSchemaCommands(program, deps);
  registerPrCommands(program, deps);
  registerLogsCommands(program, deps);
  registerCredentialCommands(program, deps);
  return program;
}

/** Runs the CLI and resolves to its exit code (commander's own output for help and usage errors). */
export async function runCli(argv: string[], deps: CliDeps = defaultDeps): Promise<number> {
  process.exitCode = undefined;
  try {
    await buildProgram(deps).parseAsync(argv, { from: "user" });
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? EXIT.ok : EXIT.invalidInput;
    reportFailure(e, argv.includes("--json"));
  }
  const code = typeof process.exitCode === "number" ? process.exitCode : EXIT.ok;
  process.exitCode = undefined;
  return code;
}

if (require.main === module) {
  setDebug(process.argv.includes("--debug"));
  void runCli(process.argv.slice(2)).then((code) => process.exit(code));
}
