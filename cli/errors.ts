// The one error contract of every `sqlfleet` command (ARCHITECTURE.md, "Exit codes"):
//   0 success · 1 a policy or validation failure (a check the input failed) · 2 invalid input (a config value, a file
//   that does not parse, an unknown stack, a bad flag), naming the file and key or object · an unexpected crash
//   prints one line (and its stack with --debug) and exits 1.
import chalk from "chalk";
import { ComponentValidationError } from "../components/validation";
import { PlacementError } from "../placement/errors";
import { PolicyConfigError } from "../policies/config";
import { ConfigError, InputError } from "../stacks/config/errors";

export const EXIT = { ok: 0, failed: 1, invalidInput: 2 } as const;

export type FailureClass = "invalid-input" | "validation-failed" | "unexpected";

/** Runner refusals (schema/runner.ts `runnerError`) and a failed log export are failures, not crashes. */
const VALIDATION_KINDS = new Set(["checksum-mismatch", "validation-failed", "runner-busy", "export-failed"]);

export function classify(e: unknown): FailureClass {
  // A database of the wrong shape for the set is invalid input: the runner refused it before changing anything.
  if ((e as { kind?: unknown } | null)?.kind === "refused") return "invalid-input";
  if (e instanceof ConfigError || e instanceof InputError || e instanceof PlacementError || e instanceof ComponentValidationError || e instanceof PolicyConfigError) return "invalid-input";
  const kind = (e as { kind?: unknown } | null)?.kind;
  if (typeof kind === "string" && VALIDATION_KINDS.has(kind)) return "validation-failed";
  return "unexpected";
}

export function isConfigurationError(e: unknown): boolean {
  return classify(e) === "invalid-input";
}

let debug = false;
/** Set from the global `--debug` flag (cli/main.ts): unexpected errors then print their stack. */
export function setDebug(on: boolean): void {
  debug = on;
}

function problemsOf(e: unknown): { key: string; value: unknown; allowed: string }[] {
  if (e instanceof ConfigError) return e.problems;
  if (e instanceof PlacementError || e instanceof ComponentValidationError) return [{ key: e.field, value: e.value, allowed: e.allowed }];
  if (e instanceof InputError) return [{ key: e.subject, value: undefined, allowed: e.message }];
  return [];
}

/** Prints the error (as JSON with --json) and sets the exit code from its class. */
export function reportFailure(e: unknown, json: boolean): void {
  const cls = classify(e);
  const message = e instanceof Error ? e.message : String(e);
  const code = cls === "invalid-input" ? EXIT.invalidInput : EXIT.failed;
  if (json) {
    const kind = jsonKind(e, cls);
    process.stdout.write(`${JSON.stringify({ error: kind, message, problems: problemsOf(e), exitCode: code }, null, 2)}\n`);
  } else if (cls === "invalid-input") {
    console.error(chalk.red(`invalid input: ${message}`));
  } else if (cls === "validation-failed") {
    console.error(chalk.red(message));
  } else {
    console.error(chalk.red(`unexpected error: ${message.split("\n")[0]}${debug ? "" : " (run with --debug for the stack)"}`));
    if (debug && e instanceof Error && e.stack) console.error(e.stack);
  }
  process.exitCode = code;
}

/** The `error` field of --json output; the names scripts already match on are kept. */
function jsonKind(e: unknown, cls: FailureClass): string {
  if ((e as { kind?: unknown } | null)?.kind === "refused") return "refused";
  if (cls === "validation-failed") return String((e as { kind: string }).kind);
  if (e instanceof ConfigError || e instanceof PlacementError || e instanceof ComponentValidationError) return "invalid-configuration";
  if (e instanceof PolicyConfigError) return "invalid-policy-config";
  return cls;
}
