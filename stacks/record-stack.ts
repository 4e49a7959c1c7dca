// Runs a real stack program in-process under the Azure-shaped mocks and records every registration: what
// `sqlfleet plan`, `policy check`, the tests and the benchmarks all use. A customer stack's environment is
// recorded first and its outputs feed the StackReference mock.
import { recordProgram, type RecordResult } from "../offline/recorder";
import { ConfigError } from "./config/errors";
import { customerAgainstPoolsProblems } from "./config/customer";
import { stackKind } from "./config/shared";
import { Fleet } from "./fleet-model";
import { poolSpec } from "../placement/pools";
import { stackProgram } from "./program";

export interface RecordStackOptions {
  /** Plan this config file instead of the committed Pulumi.<stack>.yaml (a proposed change, as a PR check does). */
  configFile?: string;
  /** The environment's config file for a customer stack (default the committed Pulumi.<env>.yaml). */
  environmentConfigFile?: string;
  /** Preview mode: outputs of new resources are unknown. */
  preview?: boolean;
  /** Directory holding the Pulumi.<stack>.yaml files (default the project root; ignored when `fleet` is given). */
  root?: string;
  /** The command's fleet: files parsed once, the environment recorded once for all its customers. */
  fleet?: Fleet;
  /** The environment's outputs, when already recorded elsewhere (a fleet plan records the environment once). */
  environmentOutputs?: Record<string, unknown>;
}

/**
 * Validates the stack's config (throwing ConfigError naming the key, file and line before anything is registered)
 * and records the stack program. For a customer stack the environment is validated, recorded and its outputs cached.
 * A component that refuses a value while the program runs is reported the same way (stacks/component-keys.ts).
 */
export async function recordStack(stack: string, opts: RecordStackOptions = {}): Promise<RecordResult<unknown>> {
  const fleet = opts.fleet ?? new Fleet(opts.root);
  const kind = stackKind(stack);
  const file = opts.configFile ?? fleet.stackFile(stack);
  const envFile = opts.environmentConfigFile ?? fleet.stackFile(kind.env);
  const { configMap, raw } = fleet.load(file);
  const stackOutputs: Record<string, Record<string, unknown>> = {};
  if (kind.kind === "environment") {
    fleet.environmentConfig(stack, file);
  } else {
    const cfg = fleet.customerConfig(stack, file, envFile);
    const envCfg = fleet.environmentConfig(kind.env, envFile);
    const problems = customerAgainstPoolsProblems(cfg, envCfg.pools.map((p) => poolSpec(p.name, p.edition, p.vCores, p.maxDataGb)));
    if (problems.length > 0) throw fleet.locateError(new ConfigError(stack, problems), file);
    stackOutputs[kind.env] = opts.environmentOutputs ?? (await environmentOutputs(kind.env, envFile, fleet));
  }
  // A program error is caught here and rethrown after the run: thrown inside the Stack's initialisation, Pulumi
  // would also surface it as an unhandled rejection that kills the process.
  let failure: unknown;
  const result = await recordProgram(
    () =>
      stackProgram(stack, raw).catch((e: unknown) => {
        failure = e;
        return {};
      }),
    { stack, config: configMap, stackOutputs, preview: opts.preview },
  );
  if (failure !== undefined) throw failure instanceof ConfigError ? fleet.locateError(failure, file, envFile) : failure;
  // An environment plan also serves its customers' StackReference later in the same command.
  if (kind.kind === "environment" && !opts.preview) fleet.provideEnvironmentOutputs(stack, result.outputs, file);
  return result;
}

/** The environment stack's outputs as recorded under mocks: once per environment file per Fleet (per command). */
export function environmentOutputs(env: string, file?: string, fleet = new Fleet()): Promise<Record<string, unknown>> {
  const envFile = file ?? fleet.stackFile(env);
  return fleet.environmentOutputs(env, envFile, async () => (await recordStack(env, { configFile: envFile, fleet })).outputs);
}
