// Runs a real stack program in-process under the Azure-shaped mocks and records every registration: what
// `sqlfleet plan`, `policy check`, the tests and the benchmarks all use. A customer stack's environment is
// recorded first and its outputs feed the StackReference mock.
import { statSync } from "node:fs";
import { recordProgram, type RecordResult } from "../offline/recorder";
import { ConfigError } from "./config/errors";
import { customerAgainstPoolsProblems, parseCustomerConfig } from "./config/customer";
import { parseEnvironmentConfig, type EnvironmentConfig } from "./config/environment";
import { rawFromConfigMap, stackKind } from "./config/shared";
import { assertNoEnvironmentKeys } from "./config/misplaced-keys";
import { readConfigMap, stackFilePath } from "./fleet";
import { poolSpec } from "../placement/pools";
import { stackProgram } from "./program";

export interface RecordStackOptions {
  /** Plan this config file instead of the committed Pulumi.<stack>.yaml (a proposed change, as a PR check does). */
  configFile?: string;
  /** The environment's config file for a customer stack (default the committed Pulumi.<env>.yaml). */
  environmentConfigFile?: string;
  /** Preview mode: outputs of new resources are unknown. */
  preview?: boolean;
  /** Directory holding the Pulumi.<stack>.yaml files (default the project root). */
  root?: string;
  /** The environment's outputs, when already recorded elsewhere (a fleet plan records the environment once). */
  environmentOutputs?: Record<string, unknown>;
}

const envCache = new Map<string, Record<string, unknown>>();
const envConfigCache = new Map<string, EnvironmentConfig>();

/** The environment's validated config, parsed once per file version (a fleet plan reads it for every customer). */
function environmentConfig(env: string, file: string): EnvironmentConfig {
  const key = `${env}|${file}|${statSync(file).mtimeMs}`;
  let cfg = envConfigCache.get(key);
  if (!cfg) {
    cfg = parseEnvironmentConfig(env, rawFromConfigMap(readConfigMap(file)));
    envConfigCache.set(key, cfg);
  }
  return cfg;
}

/**
 * Validates the stack's config (throwing ConfigError naming the key before anything is registered) and records
 * the stack program. For a customer stack the environment is validated, recorded and its outputs cached.
 */
export async function recordStack(stack: string, opts: RecordStackOptions = {}): Promise<RecordResult<unknown>> {
  const kind = stackKind(stack);
  const file = opts.configFile ?? stackFilePath(stack, opts.root);
  const configMap = readConfigMap(file);
  if (kind.kind === "customer") assertNoEnvironmentKeys(stack, file, configMap, opts.environmentConfigFile ?? stackFilePath(kind.env, opts.root));
  const raw = rawFromConfigMap(configMap);
  const stackOutputs: Record<string, Record<string, unknown>> = {};
  if (kind.kind === "environment") {
    parseEnvironmentConfig(stack, raw);
  } else {
    const cfg = parseCustomerConfig(stack, kind.customer, raw);
    const envFile = opts.environmentConfigFile ?? stackFilePath(kind.env, opts.root);
    const envCfg = environmentConfig(kind.env, envFile);
    const problems = customerAgainstPoolsProblems(cfg, envCfg.pools.map((p) => poolSpec(p.name, p.edition, p.vCores, p.maxDataGb)));
    if (problems.length > 0) throw new ConfigError(stack, problems);
    stackOutputs[kind.env] = opts.environmentOutputs ?? (await environmentOutputs(kind.env, envFile));
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
  if (failure !== undefined) throw failure;
  // An environment plan also serves its customers' StackReference (a fleet plan records it only once).
  if (kind.kind === "environment") envCache.set(`${stack}|${file}|${statSync(file).mtimeMs}`, result.outputs);
  return result;
}

/** The environment stack's outputs as recorded under mocks (cached per file and modification time). */
export async function environmentOutputs(env: string, file = stackFilePath(env)): Promise<Record<string, unknown>> {
  const key = `${env}|${file}|${statSync(file).mtimeMs}`;
  const hit = envCache.get(key);
  if (hit) return hit;
  const { outputs } = await recordStack(env, { configFile: file });
  envCache.set(key, outputs);
  return outputs;
}
