// Maps failures to the documented exit codes: 2 for invalid configuration (config schema, placement limits,
// component validation), otherwise the error is unexpected and exits 1 with its message.
import chalk from "chalk";
import { ComponentValidationError } from "../components/validation";
import { PlacementError } from "../placement/errors";
import { ConfigError } from "../stacks/config/errors";
import { EXIT } from "../stacks/plan/run";

export function isConfigurationError(e: unknown): boolean {
  return e instanceof ConfigError || e instanceof PlacementError || e instanceof ComponentValidationError;
}

/** Prints the error (as JSON with --json) and sets the exit code. */
export function reportFailure(e: unknown, json: boolean): void {
  const config = isConfigurationError(e);
  const message = e instanceof Error ? e.message : String(e);
  const code = config ? EXIT.config : 1;
  if (json) {
    const problems = e instanceof ConfigError ? e.problems : e instanceof PlacementError || e instanceof ComponentValidationError ? [{ key: e.field, value: e.value, allowed: e.allowed }] : [];
    process.stdout.write(`${JSON.stringify({ error: config ? "invalid-configuration" : "error", message, problems, exitCode: code }, null, 2)}\n`);
  } else {
    console.error(chalk.red(config ? `invalid configuration: ${message}` : message));
  }
  process.exitCode = code;
}
