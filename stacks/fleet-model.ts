// The fleet model: one object per command that reads and parses every Pulumi.<stack>.yaml at most once, keeps the
// line of each config key for messages, and records each environment's outputs once for all its customers.
// Deliberately not a module-level cache: a command creates one Fleet and passes it down, so files edited between
// commands (tests, `customer add`, watch mode) are always seen fresh.
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import YAML, { LineCounter, isMap, isScalar, isSeq, type Document, type Node } from "yaml";
import { parseCustomerConfig, type CustomerConfig } from "./config/customer";
import { assertNoEnvironmentKeys } from "./config/misplaced-keys";
import { parseEnvironmentConfig, type EnvironmentConfig } from "./config/environment";
import { ConfigError, InputError, type ConfigProblem } from "./config/errors";
import { configMapFromYaml, rawFromConfigMap, stackKind } from "./config/shared";
import { customerStacksOf, PROJECT_ROOT, stackFilePath } from "./fleet-files";

/** One parsed stack file: the engine's string map, the project's raw keys, and where each key sits. */
export interface StackFile {
  file: string;
  /** `sqlfleet:key` → string, as the Pulumi engine would hand it over. */
  configMap: Record<string, string>;
  /** The project's keys without namespace, objects parsed (input to the zod schemas). */
  raw: Record<string, unknown>;
  /** The `config:` block as written (namespaced keys, YAML values): what a diff of two versions compares. */
  config: Record<string, unknown>;
  /** The parsed document, comments kept: clone it to edit the file (rebalance --write). */
  document: Document;
  /**
   * 1-based line of every `config:` key, top-level and nested, spelled as ConfigError keys are
   * (`sqlfleet:fhir` → 7, `sqlfleet:fhir.placement.tier` → 10, `sqlfleet:pools[1].vCores` → 22).
   */
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
  private readonly customerConfigs = new Map<string, CustomerConfig>();
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

  /**
   * `file:line` of a config key — of its deepest enclosing key that the file has (`sqlfleet:fhir.placement.vCores`
   * not written → the line of `placement`) — or the file alone when not even the top-level key is in it.
   */
  locate(file: string, key: string): string {
    const line = this.lineOf(file, key);
    return line ? `${file}:${line}` : file;
  }

  /** The line of a config key or of its deepest enclosing key in the file; undefined when none is written there. */
  lineOf(file: string, key: string): number | undefined {
    const { lines } = this.load(file);
    for (let k: string | undefined = key; k; k = parentKey(k)) {
      const line = lines.get(k);
      if (line) return line;
    }
    return undefined;
  }

  /**
   * The error with each problem's `file:line` filled in: keys of the stack's own file in `file`, keys a problem marks
   * as another stack's (an environment key refused in a customer plan) in `otherFile`.
   */
  locateError(e: ConfigError, file: string, otherFile?: string): ConfigError {
    return e.located((p: ConfigProblem) => {
      const f = p.stack && otherFile ? otherFile : file;
      if (p.key.startsWith("stack reference ")) return undefined; // not a key of any file
      return displayPath(this.locate(f, p.key));
    });
  }

  environmentConfig(env: string, file = this.stackFile(env)): EnvironmentConfig {
    const key = `${env}|${file}`;
    let cfg = this.envConfigs.get(key);
    if (!cfg) {
      cfg = this.located(file, () => parseEnvironmentConfig(env, this.load(file).raw));
      this.envConfigs.set(key, cfg);
    }
    return cfg;
  }

  /** A customer's validated config; `envFile` is where its environment's keys belong (named when misplaced). */
  customerConfig(stack: string, file = this.stackFile(stack), envFile?: string): CustomerConfig {
    const kind = stackKind(stack);
    if (kind.kind !== "customer") throw new InputError(stack, "not a customer stack (<env>-<customer>)");
    const key = `${stack}|${file}`;
    let cfg = this.customerConfigs.get(key);
    if (!cfg) {
      const { configMap, raw } = this.load(file);
      assertNoEnvironmentKeys(stack, file, configMap, envFile ?? path.join(path.dirname(file), `Pulumi.${kind.env}.yaml`), (k) => displayPath(this.locate(file, k)));
      cfg = this.located(file, () => parseCustomerConfig(stack, kind.customer, raw));
      this.customerConfigs.set(key, cfg);
    }
    return cfg;
  }

  /** Runs a parse; a ConfigError it throws is rethrown with the file and line of each key. */
  located<T>(file: string, parse: () => T, otherFile?: string): T {
    try {
      return parse();
    } catch (e) {
      throw e instanceof ConfigError ? this.locateError(e, file, otherFile) : e;
    }
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
  const lineOf = (n: Node | null | undefined) => (n?.range ? lineCounter.linePos(n.range[0]).line : undefined);
  // Keys spelled as ConfigError keys are (stacks/config/errors.ts keyOf): `ns:top.nested[2].leaf`.
  const walk = (node: unknown, at: string) => {
    if (isMap(node)) {
      for (const item of node.items) {
        if (!isScalar(item.key)) continue;
        const key = `${at}.${String(item.key.value)}`;
        const line = lineOf(item.key);
        if (line) lines.set(key, line);
        walk(item.value, key);
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, i) => {
        const line = lineOf(item as Node);
        if (line) lines.set(`${at}[${i}]`, line);
        walk(item, `${at}[${i}]`);
      });
    }
  };
  if (isMap(config)) {
    for (const item of config.items) {
      if (!isScalar(item.key)) continue;
      const key = String(item.key.value);
      const line = lineOf(item.key);
      if (line) lines.set(key, line);
      walk(item.value, key);
    }
  }
  const js = doc.toJS() as { config?: Record<string, unknown> } | null;
  let configMap: Record<string, string>;
  try {
    configMap = configMapFromYaml(js?.config ?? {});
  } catch (e) {
    // A `secure:` value: name the file and line of its key.
    const key = e instanceof InputError ? /^config (\S+)$/.exec(e.subject)?.[1] : undefined;
    if (key && e instanceof InputError) throw new InputError(`${displayPath(file)}:${lines.get(key) ?? 1} ${key}`, e.message.slice(e.subject.length + 2));
    throw e;
  }
  return { file, configMap, raw: rawFromConfigMap(configMap), config: js?.config ?? {}, document: doc, lines };
}

/** `sqlfleet:fhir.placement.tier` → `sqlfleet:fhir.placement`; `sqlfleet:pools[1]` → `sqlfleet:pools`; top level → undefined. */
function parentKey(key: string): string | undefined {
  const m = /^(.*)(\.[^.[\]]+|\[\d+\])$/.exec(key);
  return m && m[1].includes(":") ? m[1] : undefined;
}

/** A file as messages name it: relative to the working directory when inside it (clickable in a terminal), else absolute. */
export function displayPath(fileAndLine: string): string {
  const rel = path.relative(process.cwd(), fileAndLine);
  return rel && !rel.startsWith("..") && !path.isAbsolute(rel) ? rel : fileAndLine;
}
