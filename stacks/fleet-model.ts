// The fleet model: one object per command that reads and parses every Pulumi.<stack>.yaml at most once, keeps the
// line of each config key for messages, and records each environment's outputs once for all its customers.
// Deliberately not a module-level cache: a command creates one Fleet and passes it down, so files edited between
// commands (tests, `customer add`, watch mode) are always seen fresh.
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import YAML, { LineCounter, isMap, isScalar } from "yaml";
import { parseCustomerConfig, type CustomerConfig } from "./config/customer";
import { assertNoEnvironmentKeys } from "./config/misplaced-keys";
import { parseEnvironmentConfig, type EnvironmentConfig } from "./config/environment";
import { InputError } from "./config/errors";
import { configMapFromYaml, rawFromConfigMap, stackKind } from "./config/shared";
import { customerStacksOf, PROJECT_ROOT, stackFilePath } from "./fleet-files";

/** One parsed stack file: the engine's string map, the project's raw keys, and where each key sits. */
export interface StackFile {
  file: string;
  /** `sqlfleet:key` → string, as the Pulumi engine would hand it over. */
  configMap: Record<string, string>;
  /** The project's keys without namespace, objects parsed (input to the zod schemas). */
  raw: Record<string, unknown>;
  /** 1-based line of each top-level `config:` key (`sqlfleet:fhir` → 7). */
  lines: ReadonlyMap<string, number>;
}

export interface FleetMembers {
  members: { stack: string; cfg: CustomerConfig }[];
  invalid: { stack: string; error: string }[];
}

/** Reads a file's text; injectable so tests can count reads. */
export type FileReader = (file: string) => string;

export class Fleet {
  private readonly files = new Map<string, StackFile>();
  private readonly envConfigs = new Map<string, EnvironmentConfig>();
  private readonly memberLists = new Map<string, FleetMembers>();
  private readonly envOutputs = new Map<string, Promise<Record<string, unknown>>>();

  constructor(
    readonly root: string = PROJECT_ROOT,
    private readonly read: FileReader = (f) => readFileSync(f, "utf8"),
  ) {}

  stackFile(stack: string): string {
    return stackFilePath(stack, this.root);
  }

  /** The parsed file, read from disk on first use only. */
  load(file: string): StackFile {
    let hit = this.files.get(file);
    if (!hit) {
      hit = parseStackFile(file, this.read);
      this.files.set(file, hit);
    }
    return hit;
  }

  /** `file:line` of a config key, or the file alone when the key is not in it. */
  locate(file: string, key: string): string {
    const line = this.load(file).lines.get(key);
    return line ? `${file}:${line}` : file;
  }

  environmentConfig(env: string, file = this.stackFile(env)): EnvironmentConfig {
    const key = `${env}|${file}`;
    let cfg = this.envConfigs.get(key);
    if (!cfg) {
      cfg = parseEnvironmentConfig(env, this.load(file).raw);
      this.envConfigs.set(key, cfg);
    }
    return cfg;
  }

  customerConfig(stack: string, file = this.stackFile(stack)): CustomerConfig {
    const kind = stackKind(stack);
    if (kind.kind !== "customer") throw new InputError(stack, "not a customer stack (<env>-<customer>)");
    const { configMap, raw } = this.load(file);
    assertNoEnvironmentKeys(stack, file, configMap, path.join(path.dirname(file), `Pulumi.${kind.env}.yaml`));
    return parseCustomerConfig(stack, kind.customer, raw);
  }

  /** Every committed customer stack of an environment with its validated config; invalid files are reported. */
  members(env: string): FleetMembers {
    let hit = this.memberLists.get(env);
    if (!hit) {
      hit = { members: [], invalid: [] };
      for (const stack of customerStacksOf(env, this.root)) {
        try {
          hit.members.push({ stack, cfg: this.customerConfig(stack) });
        } catch (e) {
          hit.invalid.push({ stack, error: (e as Error).message });
        }
      }
      this.memberLists.set(env, hit);
    }
    return hit;
  }

  /**
   * The environment's recorded outputs, computed once per environment file for every customer of this command.
   * `record` is passed in (record-stack.ts) so the model does not depend on the recorder.
   */
  environmentOutputs(env: string, file: string, record: () => Promise<Record<string, unknown>>): Promise<Record<string, unknown>> {
    const key = `${env}|${file}`;
    let hit = this.envOutputs.get(key);
    if (!hit) {
      hit = record();
      this.envOutputs.set(key, hit);
      hit.catch(() => this.envOutputs.delete(key)); // a failed recording is not remembered
    }
    return hit;
  }

  /** Outputs recorded elsewhere (another worker, an environment plan earlier in this command). */
  provideEnvironmentOutputs(env: string, outputs: Record<string, unknown>, file = this.stackFile(env)): void {
    this.envOutputs.set(`${env}|${file}`, Promise.resolve(outputs));
  }
}

/** Reads and parses one stack file; a syntax error becomes an InputError naming the file and line. */
export function parseStackFile(file: string, read: FileReader = (f) => readFileSync(f, "utf8")): StackFile {
  if (!existsSync(file)) throw new InputError(file, "no such stack config file (committed stacks: Pulumi.<stack>.yaml in the project root)");
  const lineCounter = new LineCounter();
  const doc = YAML.parseDocument(read(file), { prettyErrors: true, lineCounter });
  const err = doc.errors[0];
  if (err) {
    const at = err.linePos?.[0];
    throw new InputError(at ? `${file}:${at.line}:${at.col}` : file, `not valid YAML: ${err.message.split("\n")[0]}`);
  }
  const lines = new Map<string, number>();
  const config = isMap(doc.contents) ? doc.contents.get("config", true) : undefined;
  if (isMap(config)) {
    for (const item of config.items) {
      if (isScalar(item.key) && item.key.range) lines.set(String(item.key.value), lineCounter.linePos(item.key.range[0]).line);
    }
  }
  const js = doc.toJS() as { config?: Record<string, unknown> } | null;
  const configMap = configMapFromYaml(js?.config ?? {});
  return { file, configMap, raw: rawFromConfigMap(configMap), lines };
}
