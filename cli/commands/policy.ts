// `sqlfleet policy list|check`: the security benchmark pack offline. `check` records each committed stack under
// Pulumi's mocks and evaluates the same pack `pulumi preview --policy-pack policies` runs. Exit 0 clean,
// 1 on any mandatory violation, 2 on invalid stack or policy configuration.
import chalk from "chalk";
import type { Command } from "commander";
import { readFileSync } from "node:fs";
import YAML from "yaml";
import { listPolicies, validatePackConfig } from "../../policies/build";
import { PolicyConfigError, type PackConfig } from "../../policies/config";
import { evaluatePolicies, type PolicyDiagnostic } from "../../policies/runner";
import { stackKind } from "../../stacks/config/shared";
import { listStacks } from "../../stacks/fleet";
import type { Fleet } from "../../stacks/fleet-model";
import { recordStack } from "../../stacks/record-stack";
import { defaultDeps, type CliDeps } from "../deps";
import { isConfigurationError, reportFailure } from "../errors";
import { heading, printJson, table, verdict } from "../format";

export interface StackVerdict {
  stack: string;
  resources: number;
  mandatory: number;
  advisory: number;
  diagnostics: PolicyDiagnostic[];
  /** Set when the stack could not be recorded (invalid configuration or program error). */
  error?: string;
}

export interface PolicyCheckReport {
  stacks: StackVerdict[];
  mandatory: number;
  advisory: number;
  exitCode: 0 | 1 | 2;
}

/** Reads a policy-config file (JSON or YAML, `pulumi preview --policy-pack-config` format) and validates it. */
export function readPolicyConfig(file: string): PackConfig {
  let parsed: unknown;
  try {
    parsed = YAML.parse(readFileSync(file, "utf8"));
  } catch (e) {
    throw new PolicyConfigError(`cannot read policy config ${file}: ${(e as Error).message}`);
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) throw new PolicyConfigError(`policy config ${file} must be an object of policy settings`);
  validatePackConfig(parsed as PackConfig);
  return parsed as PackConfig;
}

/**
 * Records and checks each stack (default: every committed stack) through one Fleet: each stack file is read once and
 * each environment recorded once, for its own verdict and its customers' StackReference alike.
 */
export async function runPolicyCheck(stacks: string[], opts: { config?: PackConfig; preview?: boolean; fleet?: Fleet } = {}): Promise<PolicyCheckReport> {
  const fleet = opts.fleet ?? defaultDeps.openFleet();
  const names = stacks.length > 0 ? stacks : listStacks(fleet.root);
  // Environments first, so a customer's StackReference reuses the environment's own recording (reported in the given order).
  const isEnv = (s: string) => {
    try {
      return stackKind(s).kind === "environment";
    } catch {
      return false; // an invalid name is reported by recordStack below
    }
  };
  const verdicts = new Map<string, StackVerdict>();
  let invalid = false;
  for (const stack of [...names.filter(isEnv), ...names.filter((s) => !isEnv(s))]) {
    try {
      const { recording } = await recordStack(stack, { preview: opts.preview, fleet });
      const diagnostics = await evaluatePolicies(recording, { config: opts.config, preview: opts.preview });
      verdicts.set(stack, {
        stack,
        resources: recording.resources.length,
        mandatory: diagnostics.filter((d) => d.enforcementLevel === "mandatory").length,
        advisory: diagnostics.filter((d) => d.enforcementLevel === "advisory").length,
        diagnostics,
      });
    } catch (e) {
      if (!isConfigurationError(e)) throw e;
      invalid = true;
      verdicts.set(stack, { stack, resources: 0, mandatory: 0, advisory: 0, diagnostics: [], error: (e as Error).message });
    }
  }
  const out = names.map((s) => verdicts.get(s)!);
  const mandatory = out.reduce((n, s) => n + s.mandatory, 0);
  const advisory = out.reduce((n, s) => n + s.advisory, 0);
  return { stacks: out, mandatory, advisory, exitCode: invalid ? 2 : mandatory > 0 ? 1 : 0 };
}

function printCheck(r: PolicyCheckReport): void {
  for (const s of r.stacks) {
    if (s.error) {
      console.log(`${chalk.red("✖")} ${chalk.bold(s.stack)}: ${chalk.red("invalid configuration")}\n${s.error}\n`);
      continue;
    }
    const mark = s.mandatory > 0 ? chalk.red("✖") : chalk.green("✔");
    console.log(`${mark} ${chalk.bold(s.stack)}: ${s.mandatory} mandatory, ${s.advisory} advisory ${chalk.dim(`(${s.resources} resources)`)}`);
    const rows = [...s.diagnostics]
      .sort((a, b) => (a.enforcementLevel === b.enforcementLevel ? a.policyId.localeCompare(b.policyId) : a.enforcementLevel === "mandatory" ? -1 : 1))
      .map((d) => [verdict(d.enforcementLevel), d.severity, d.policyId, d.resourceName ?? d.urn.split("::").pop(), d.message.split("\n")[0]]);
    if (rows.length > 0) console.log(`${table(rows)}\n`);
  }
  const summary = `${r.stacks.length} stack(s): ${r.mandatory} mandatory, ${r.advisory} advisory`;
  console.log(r.exitCode === 0 ? chalk.green(summary) : chalk.red(summary));
}

export function registerPolicyCommands(program: Command, deps: CliDeps = defaultDeps): void {
  const policy = program.command("policy").description("the security benchmark policy pack (CrossGuard): list its policies, check stacks offline");

  policy
    .command("list")
    .description("every policy with id, level, severity and frameworks")
    .option("--json", "print as JSON")
    .action((flags: { json?: boolean }) => {
      const infos = listPolicies();
      if (flags.json) {
        printJson(infos);
        return;
      }
      console.log(heading(`Policy pack sqlfleet-security-benchmark: ${infos.length} policies`));
      console.log(
        table(
          infos.map((p) => [
            p.id,
            p.kind,
            verdict(p.enforcementLevel) + (p.advisoryParts ? chalk.dim(" (+advisory)") : ""),
            p.severity,
            p.productionOnly ? "prod" : "all",
            `${p.framework.name.toUpperCase()} ${p.framework.reference}`,
            [...(p.anchors.cis ?? []), ...(p.anchors.checkov ?? [])].slice(0, 3).join(", ") || "-",
          ]),
          ["POLICY", "KIND", "LEVEL", "SEVERITY", "STACKS", "FRAMEWORK", "ALSO"],
        ),
      );
    });

  policy
    .command("check")
    .description("record stacks under mocks and evaluate the pack (default: every committed stack); exit 1 on a mandatory violation")
    .argument("[stacks...]", "stack names (dev, prod, <env>-<customer>); default all committed Pulumi.<stack>.yaml")
    .option("--config <file>", "policy config (JSON or YAML, the `pulumi preview --policy-pack-config` format)")
    .option("--preview", "evaluate as during `pulumi preview` (computed outputs unknown)")
    .option("--json", "print the verdicts as JSON")
    .action(async (stacks: string[], flags: { config?: string; preview?: boolean; json?: boolean }) => {
      try {
        const config = flags.config ? readPolicyConfig(flags.config) : undefined;
        const report = await runPolicyCheck(stacks, { config, preview: flags.preview, fleet: deps.openFleet() });
        if (flags.json) printJson(report);
        else printCheck(report);
        process.exitCode = report.exitCode;
      } catch (e) {
        reportFailure(e, !!flags.json);
      }
    });
}
