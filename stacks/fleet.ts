// The fleet registry: the committed Pulumi.<stack>.yaml files. Commands read them through one Fleet
// (fleet-model.ts); the functions here are the one-shot forms and the file helpers.
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import YAML from "yaml";
import type { CustomerConfig } from "./config/customer";
import type { EnvironmentConfig } from "./config/environment";
import { InputError } from "./config/errors";
import { PROJECT_ROOT, stackFilePath } from "./fleet-files";
import { Fleet, parseStackFile, type FleetMembers } from "./fleet-model";

export { customerStacksOf, listStacks, PROJECT_ROOT, stackFilePath } from "./fleet-files";
export { Fleet } from "./fleet-model";

/** The `config:` block of a stack file as the engine's string map (`sqlfleet:key` → string). */
export function readConfigMap(file: string): Record<string, string> {
  return parseStackFile(file).configMap;
}

// One-shot helpers for callers outside a command (tests, scripts): each builds its own Fleet. Commands create one
// Fleet and pass it down instead, so nothing is read twice.
export function loadEnvironmentConfig(env: string, file = stackFilePath(env)): EnvironmentConfig {
  return new Fleet(path.dirname(file)).environmentConfig(env, file);
}

export function loadCustomerConfig(stack: string, file = stackFilePath(stack)): CustomerConfig {
  return new Fleet(path.dirname(file)).customerConfig(stack, file);
}

/** Every committed customer stack of an environment with its validated config; invalid files are reported. */
export function loadFleet(env: string, root = PROJECT_ROOT): FleetMembers {
  return new Fleet(root).members(env);
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
