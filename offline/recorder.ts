// Records every resource registration a Pulumi program makes under in-process mocks, exactly as the engine
// would receive it (parent, dependencies, options, inputs with secret and unknown markers).
// Pattern: setMocks (turns on secrets) then wrap the mock monitor's registerResource (research/pulumi.md §2.6).
import * as pulumi from "@pulumi/pulumi";
import { azureMocks, type AzureMockOptions } from "./azure-mocks";

const SIG = pulumi.runtime.specialSigKey;
const SECRET = pulumi.runtime.specialSecretSig;
const UNKNOWN = pulumi.runtime.unknownValue;

export interface RecordedResource {
  urn: string;
  type: string;
  name: string;
  custom: boolean;
  parent?: string;
  dependencies: string[];
  propertyDependencies: Record<string, string[]>;
  protect: boolean;
  retainOnDelete: boolean;
  ignoreChanges: string[];
  replaceOnChanges: string[];
  deleteBeforeReplace: boolean;
  additionalSecretOutputs: string[];
  aliases: unknown[];
  provider?: string;
  /** Inputs exactly as serialized for the engine (secret markers kept). */
  raw: Record<string, unknown>;
  /** Inputs with secrets unwrapped; unknowns stay as `pulumi.runtime.unknownValue`. */
  inputs: Record<string, unknown>;
  /** Dotted paths of inputs that are Pulumi secrets. */
  secretPaths: string[];
  /** The protobuf Struct the engine would get (used by the policy runner). */
  struct: unknown;
  /** Outputs the mock returned. */
  outputs: Record<string, unknown>;
  id?: string;
}

function isSecretWrapper(v: unknown): v is { value: unknown } {
  return typeof v === "object" && v !== null && (v as Record<string, unknown>)[SIG] === SECRET;
}

/** Unwraps secret markers and collects the paths at which they stood. */
export function unwrapSecrets(value: unknown, path = "", found: string[] = []): unknown {
  if (isSecretWrapper(value)) {
    found.push(path);
    return unwrapSecrets(value.value, path, found);
  }
  if (Array.isArray(value)) return value.map((v, i) => unwrapSecrets(v, `${path}[${i}]`, found));
  if (typeof value === "object" && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = unwrapSecrets(v, path ? `${path}.${k}` : k, found);
    return out;
  }
  return value;
}

export function isUnknown(v: unknown): boolean {
  return v === UNKNOWN;
}

export class Recording {
  readonly resources: RecordedResource[] = [];
  private readonly byUrn = new Map<string, RecordedResource>();

  add(r: RecordedResource): void {
    // The engine rejects duplicate URNs; MockMonitor would silently overwrite.
    if (this.byUrn.has(r.urn)) throw new Error(`duplicate resource URN ${r.urn}`);
    this.byUrn.set(r.urn, r);
    this.resources.push(r);
  }

  get(urn: string): RecordedResource | undefined {
    return this.byUrn.get(urn);
  }

  /** Every resource of a type token, e.g. `azure-native:sql:Server`. */
  ofType(type: string): RecordedResource[] {
    return this.resources.filter((r) => r.type === type);
  }

  /** The one resource with this Pulumi name (and type, when given); throws when absent or ambiguous. */
  one(name: string, type?: string): RecordedResource {
    const hits = this.resources.filter((r) => r.name === name && (!type || r.type === type));
    if (hits.length !== 1) throw new Error(`expected one resource named ${name}${type ? ` of ${type}` : ""}, found ${hits.length}`);
    return hits[0];
  }

  childrenOf(urn: string): RecordedResource[] {
    return this.resources.filter((r) => r.parent === urn);
  }

  /** The parent chain up to (excluding) the root stack. */
  ancestors(r: RecordedResource): RecordedResource[] {
    const out: RecordedResource[] = [];
    let p = r.parent ? this.byUrn.get(r.parent) : undefined;
    while (p) {
      out.push(p);
      p = p.parent ? this.byUrn.get(p.parent) : undefined;
    }
    return out;
  }

  /** retainOnDelete is inherited engine-side, so mocks show only the explicit flag: walk the parents. */
  effectiveRetainOnDelete(r: RecordedResource): boolean {
    return r.retainOnDelete || this.ancestors(r).some((a) => a.retainOnDelete);
  }

  /** Every URN this resource depends on: explicit, through properties, and its parent. */
  dependsOnUrns(r: RecordedResource): Set<string> {
    const s = new Set<string>(r.dependencies);
    for (const urns of Object.values(r.propertyDependencies)) urns.forEach((u) => s.add(u));
    if (r.parent) s.add(r.parent);
    return s;
  }

  /** Dependency order (parents and dependencies first), as the engine would create them. */
  topologicalOrder(): RecordedResource[] {
    const seen = new Set<string>();
    const out: RecordedResource[] = [];
    const visit = (r: RecordedResource, stack: Set<string>) => {
      if (seen.has(r.urn)) return;
      if (stack.has(r.urn)) throw new Error(`dependency cycle through ${r.urn}`);
      stack.add(r.urn);
      for (const u of this.dependsOnUrns(r)) {
        const d = this.byUrn.get(u);
        if (d) visit(d, stack);
      }
      stack.delete(r.urn);
      seen.add(r.urn);
      out.push(r);
    };
    for (const r of this.resources) visit(r, new Set());
    return out;
  }
}

export interface RecordOptions extends AzureMockOptions {
  project?: string;
  stack?: string;
  preview?: boolean;
  /** Full config map (`project:key` → string); objects JSON-encoded. */
  config?: Record<string, string>;
  secretConfigKeys?: string[];
  /** Replaces the Azure-shaped mocks (rarely needed). */
  mocks?: pulumi.runtime.Mocks;
}

export interface RecordResult<T> {
  recording: Recording;
  /** The program's return value, i.e. the stack outputs (Outputs resolved). */
  outputs: Record<string, unknown>;
  /** Which stack outputs are secret. */
  secretOutputs: string[];
  result: T | undefined;
}

// Pulumi's RegisterResourceRequest getters we read (a structural type keeps us off the generated proto types).
interface RegisterRequest {
  getType(): string;
  getName(): string;
  getParent(): string;
  getCustom(): boolean;
  getDependenciesList(): string[];
  getPropertydependenciesMap(): { forEach(cb: (v: { getUrnsList(): string[] }, k: string) => void): void };
  getProtect(): boolean;
  getRetainondelete?(): boolean;
  getIgnorechangesList(): string[];
  getReplaceonchangesList(): string[];
  getDeletebeforereplace(): boolean;
  getAdditionalsecretoutputsList(): string[];
  getAliasesList(): unknown[];
  getProvider(): string;
  getObject(): { toJavaScript(): Record<string, unknown> } | undefined;
}

/**
 * Runs a Pulumi program in-process under Azure-shaped mocks and records every registration.
 * Each call resets the runtime, so several stacks can be recorded one after another in one process.
 */
export async function recordProgram<T>(program: () => Promise<T> | T, opts: RecordOptions = {}): Promise<RecordResult<T>> {
  const project = opts.project ?? "sqlfleet";
  const stack = opts.stack ?? "test";
  const recording = new Recording();
  const mocks = opts.mocks ?? azureMocks(opts);
  const outputsByUrn = new Map<string, Record<string, unknown>>();
  const wrapped: pulumi.runtime.Mocks = {
    call: (a) => mocks.call(a),
    newResource: async (a) => {
      const r = await mocks.newResource(a);
      outputsByUrn.set(`${a.type}::${a.name}`, r.state);
      return r;
    },
  };
  pulumi.runtime.setAllConfig(opts.config ?? {}, opts.secretConfigKeys ?? []);
  await pulumi.runtime.setMocks(wrapped, project, stack, opts.preview ?? false);
  const monitor = pulumi.runtime.getMonitor() as unknown as {
    registerResource(req: RegisterRequest, cb: (err: unknown, resp: { getUrn(): string; getId(): string }) => void): void;
  };
  const inner = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req, cb) =>
    inner(req, (err, resp) => {
      if (!err && resp) {
        try {
          const struct = req.getObject();
          const raw = struct ? struct.toJavaScript() : {};
          const secretPaths: string[] = [];
          const inputs = unwrapSecrets(raw, "", secretPaths) as Record<string, unknown>;
          const propertyDependencies: Record<string, string[]> = {};
          req.getPropertydependenciesMap().forEach((v, k) => (propertyDependencies[k] = v.getUrnsList()));
          recording.add({
            urn: resp.getUrn(),
            id: resp.getId() || undefined,
            type: req.getType(),
            name: req.getName(),
            custom: req.getCustom(),
            parent: req.getParent() || undefined,
            dependencies: req.getDependenciesList(),
            propertyDependencies,
            protect: req.getProtect(),
            retainOnDelete: req.getRetainondelete?.() ?? false,
            ignoreChanges: req.getIgnorechangesList(),
            replaceOnChanges: req.getReplaceonchangesList(),
            deleteBeforeReplace: req.getDeletebeforereplace(),
            additionalSecretOutputs: req.getAdditionalsecretoutputsList(),
            aliases: req.getAliasesList(),
            provider: req.getProvider() || undefined,
            raw,
            inputs,
            secretPaths,
            struct,
            outputs: outputsByUrn.get(`${req.getType()}::${req.getName()}`) ?? {},
          });
        } catch (e) {
          cb(e, undefined as never);
          return;
        }
        // The SDK interpolates the response into a debug-log string whether or not debug logging is on, and a
        // protobuf message's toString flattens all its state (a dynamic resource's is hundreds of KB): ~10% of a plan.
        Object.defineProperty(resp, "toString", { value: () => "[RegisterResourceResponse]" });
      }
      cb(err, resp);
    });

  let result: T | undefined;
  const restoreCallsites = skipSourcePositions();
  try {
    await pulumi.runtime.runInPulumiStack(async () => {
      result = await program();
      return result as unknown as Record<string, unknown>;
    });
  } finally {
    // Resources created inside apply() may still be in flight; disconnect drains the queue.
    await pulumi.runtime.disconnect();
    restoreCallsites();
  }
  const resolved: Record<string, unknown> = {};
  const secretOutputs: string[] = [];
  const stackOutputs = typeof result === "object" && result !== null ? (result as Record<string, unknown>) : {};
  for (const [k, v] of Object.entries(stackOutputs)) {
    if (pulumi.Output.isInstance(v)) {
      if (await pulumi.isSecret(v as pulumi.Output<unknown>)) secretOutputs.push(k);
      resolved[k] = await settle(v as pulumi.Output<unknown>);
    } else resolved[k] = v;
  }
  return { recording, outputs: resolved, secretOutputs, result };
}

/**
 * Every resource constructor captures its whole call stack (Error.stackTraceLimit raised to Infinity, each frame
 * parsed and turned into a file URL) for the source position the engine shows; a recording keeps none of it, and
 * it was ~5% of planning a customer stack. Switched off while recording (the request's sourcePosition stays unset,
 * as for a program without positions) and restored after. `callsites` is a private static of @pulumi/pulumi 3.x's
 * Resource; if it moves, nothing is skipped.
 */
function skipSourcePositions(): () => void {
  const Resource = pulumi.Resource as unknown as { callsites?: () => unknown[] };
  const original = Resource.callsites;
  if (typeof original !== "function") return () => undefined;
  Resource.callsites = () => [];
  return () => {
    Resource.callsites = original;
  };
}

/** Resolves an Output's value (undefined when it is unknown, as in preview). */
export function settle<T>(o: pulumi.Output<T>): Promise<T | undefined> {
  return new Promise((resolve) => {
    let done = false;
    o.apply((v) => {
      done = true;
      resolve(v);
      return v;
    });
    // An unknown output never runs apply; resolve undefined once the runtime has settled it.
    void (o as unknown as { isKnown: Promise<boolean> }).isKnown.then((known) => {
      if (!known && !done) resolve(undefined);
    });
  });
}
