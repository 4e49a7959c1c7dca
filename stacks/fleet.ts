// The fleet registry: the committed Pulumi.<stack>.yaml files. Placement, rebalancing, `policy check` and the
// tests read them all from here.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import YAML from "yaml";
import { parseCustomerConfig, type CustomerConfig } from "./config/customer";
import { parseEnvironmentConfig, type EnvironmentConfig } from "./config/environment";
import { InputError } from "./config/errors";
import { assertNoEnvironmentKeys } from "./config/misplaced-keys";
import { configMapFromYaml, rawFromConfigMap, stackKind } from "./config/shared";

/** The project root (where Pulumi.yaml lives). */
export const PROJECT_ROOT = path.resolve(__dirname, "..");

export function stackFilePath(stack: string, root = PROJECT_ROOT): string {
  return path.join(root, `Pulumi.${stack}.yaml`);
}

/** Names of the committed stacks (Pulumi.<stack>.yaml), environments first, then customers, each sorted. */
export function listStacks(root = PROJECT_ROOT): string[] {
  const names = readdirSync(root)
    .map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1])
    .filter((s): s is string => !!s);
  const envs = names.filter((s) => stackKind(s).kind === "environment").sort();
  const customers = names.filter((s) => stackKind(s).kind === "customer").sort();
  return [...envs, ...customers];
}

/** Customer stacks of one environment (`prod` → prod-contoso, prod-fabrikam, ...). */
export function customerStacksOf(env: string, root = PROJECT_ROOT): string[] {
  return listStacks(root).filter((s) => {
    const k = stackKind(s);
    return k.kind === "customer" && k.env === env;
  });
}

/** The `config:` block of a stack file as the engine's string map (`sqlfleet:key` → string). */
export function readConfigMap(file: string): Record<string, string> {
  if (!existsSync(file)) throw new InputError(file, "no such stack config file (committed stacks: Pulumi.<stack>.yaml in the project root)");
  const doc = parseYamlFile(file) as { config?: Record<string, unknown> } | null;
  return configMapFromYaml(doc?.config ?? {});
}

export function loadEnvironmentConfig(env: string, file = stackFilePath(env)): EnvironmentConfig {
  return parseEnvironmentConfig(env, rawFromConfigMap(readConfigMap(file)));
}

export function loadCustomerConfig(stack: string, file = stackFilePath(stack)): CustomerConfig {
  const kind = stackKind(stack);
  if (kind.kind !== "customer") throw new InputError(stack, "not a customer stack (<env>-<customer>)");
  const configMap = readConfigMap(file);
  assertNoEnvironmentKeys(stack, file, configMap, path.join(path.dirname(file), `Pulumi.${kind.env}.yaml`));
  return parseCustomerConfig(stack, kind.customer, rawFromConfigMap(configMap));
}

/** Every committed customer stack of an environment with its validated config; invalid files are reported. */
export function loadFleet(env: string, root = PROJECT_ROOT): { members: { stack: string; cfg: CustomerConfig }[]; invalid: { stack: string; error: string }[] } {
  const members: { stack: string; cfg: CustomerConfig }[] = [];
  const invalid: { stack: string; error: string }[] = [];
  for (const stack of customerStacksOf(env, root)) {
    try {
      members.push({ stack, cfg: loadCustomerConfig(stack, stackFilePath(stack, root)) });
    } catch (e) {
      invalid.push({ stack, error: (e as Error).message });
    }
  }
  return { members, invalid };
}

/** Parses a YAML file; a syntax error becomes an InputError naming the file and line. */
export function parseYamlFile(file: string): unknown {
  const doc = YAML.parseDocument(readFileSync(file, "utf8"), { prettyErrors: true });
  const err = doc.errors[0];
  if (err) {
    const at = err.linePos?.[0];
    throw new InputError(at ? `${file}:${at.line}:${at.col}` : file, `not valid YAML: ${err.message.split("\n")[0]}`);
  }
  return doc.toJS();
}

/** Reads a JSON input file (a metrics snapshot, a baseline); a missing or malformed file is an InputError. */
export function readJsonFile(file: string): unknown {
  if (!existsSync(file)) throw new InputError(file, "no such file");
  try {
    return JSON.parse(readFileSync(file, "utf8")) as unknown;
  } catch (e) {
    throw new InputError(file, `not valid JSON: ${(e as Error).message}`);
  }
}
