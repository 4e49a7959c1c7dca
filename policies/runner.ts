// Evaluates the pack over a recorded stack the way the Pulumi CLI does: the SDK's own analyzer handlers
// (`@pulumi/policy/server`, research/pulumi.md §4.2(1)) get one AnalyzeRequest per custom resource, built from the
// recorded protobuf Struct, and one AnalyzeStackRequest with parents and dependencies. That keeps deserialization,
// the unknown-value proxy (preview → advisory), not-applicable handling and enforcement levels real. Config is
// applied by building the policies from it (the SDK only learns config through the engine's `configure` call).
import type { EnforcementLevel, Severity } from "@pulumi/policy";
import type { RecordedResource, Recording } from "../offline/recorder";
import { PACK_NAME, buildPolicies, kindsOf } from "./build";
import { kindOf } from "./rule";
import type { PackConfig } from "./config";
import { version as PACK_VERSION } from "./package.json";

// @internal exports of @pulumi/policy 1.21.0 (pinned); test/policies/sdk-internals.test.ts fails loudly if they move.
type Handler = (call: { request: unknown }, cb: (err: unknown, resp?: AnalyzeResponse) => void) => Promise<void>;
interface PolicyServer {
  makeAnalyzeRpcFun(pack: string, version: string, level: EnforcementLevel, policies: unknown[]): Handler;
  makeAnalyzeStackRpcFun(pack: string, version: string, level: EnforcementLevel, policies: unknown[]): Handler;
}
interface Diagnostic {
  getPolicyname(): string;
  getMessage(): string;
  getUrn(): string;
  getEnforcementlevel(): number;
  getSeverity(): number;
}
export interface AnalyzeResponse {
  getDiagnosticsList(): Diagnostic[];
}
/* eslint-disable @typescript-eslint/no-explicit-any -- generated protobuf classes without type declarations */
const policyServer = require("@pulumi/policy/server") as PolicyServer;
const analyzerpb = require("@pulumi/pulumi/proto/analyzer_pb") as any;
const { Struct } = require("google-protobuf/google/protobuf/struct_pb") as any;
/* eslint-enable @typescript-eslint/no-explicit-any */

/** Pulumi's wire sentinel for a value unknown during preview. */
const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

export interface PolicyDiagnostic {
  policyId: string;
  enforcementLevel: EnforcementLevel;
  severity?: Severity;
  urn: string;
  message: string;
  resourceType?: string;
  resourceName?: string;
}

export interface EvaluateOptions {
  /** Policy config in `pulumi preview --policy-pack-config` format (validated; defaults applied). */
  config?: PackConfig;
  /** Evaluate as during a first `pulumi preview`: inputs computed from other resources and all computed outputs are unknown. */
  preview?: boolean;
  /** Force production scoping on or off (otherwise from config or the stack name). */
  production?: boolean;
}

const LEVELS: EnforcementLevel[] = ["advisory", "mandatory", "disabled", "remediate"];
const SEVERITIES: (Severity | undefined)[] = [undefined, "low", "medium", "high", "critical"];

function options(r: RecordedResource): unknown {
  const o = new analyzerpb.AnalyzerResourceOptions();
  o.setProtect(r.protect);
  o.setIgnorechangesList(r.ignoreChanges);
  o.setAdditionalsecretoutputsList(r.additionalSecretOutputs);
  o.setDeletebeforereplacedefined(r.deleteBeforeReplace);
  o.setDeletebeforereplace(r.deleteBeforeReplace);
  if (r.parent) o.setParent(r.parent);
  return o;
}

/**
 * In a first preview every input computed from another resource's output is unknown. Mocks resolve them, so the
 * runner blanks them again (whole top-level inputs: coarser than the engine, never less cautious). Values read
 * from other stacks (StackReference) stay known, as they are in a real preview.
 */
function previewInputs(r: RecordedResource, byUrn: Map<string, RecordedResource>): Record<string, unknown> {
  const props: Record<string, unknown> = { ...r.raw };
  for (const [k, urns] of Object.entries(r.propertyDependencies)) {
    if (k in props && urns.some((u) => byUrn.get(u)?.custom && byUrn.get(u)?.type !== "pulumi:pulumi:StackReference")) props[k] = UNKNOWN;
  }
  return props;
}

function inputStruct(r: RecordedResource, preview: boolean, byUrn: Map<string, RecordedResource>): unknown {
  if (preview) return Struct.fromJavaScript(plain(previewInputs(r, byUrn)));
  return r.struct ?? new Struct();
}

/** Mock outputs as plain JSON, with the mocks' unknown marker turned back into the wire sentinel. */
function plain(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(plain);
  if (v && typeof v === "object") {
    if ((v as Record<string, unknown>).__pulumiUnknown === true) return UNKNOWN;
    return Object.fromEntries(Object.entries(v).filter(([, x]) => x !== undefined).map(([k, x]) => [k, plain(x)]));
  }
  return v;
}

/** What the engine hands stack policies: outputs after an update; inputs plus unknown computed outputs in preview. */
function stackStruct(r: RecordedResource, preview: boolean, byUrn: Map<string, RecordedResource>): unknown {
  if (!preview) return Struct.fromJavaScript(plain(r.outputs));
  const props = previewInputs(r, byUrn);
  for (const k of Object.keys(r.outputs)) if (!(k in props)) props[k] = UNKNOWN;
  return Struct.fromJavaScript(plain(props));
}

function call(handler: Handler, request: unknown): Promise<AnalyzeResponse> {
  return new Promise((resolve, reject) => {
    void handler({ request }, (err, resp) => (err ? reject(err) : resolve(resp as AnalyzeResponse)));
  });
}

/** The requests the engine would send for a recorded stack: one AnalyzeRequest per custom resource, one AnalyzeStackRequest. */
export function analyzerRequests(recording: Recording, opts: { preview?: boolean } = {}): { resources: unknown[]; stack: unknown } {
  const preview = opts.preview === true;
  const byUrn = new Map(recording.resources.map((r) => [r.urn, r]));
  const resources = recording.resources
    .filter((r) => r.custom && !r.type.startsWith("pulumi:providers:"))
    .map((r) => {
      const req = new analyzerpb.AnalyzeRequest();
      req.setType(r.type);
      req.setName(r.name);
      req.setUrn(r.urn);
      req.setProperties(inputStruct(r, preview, byUrn));
      req.setOptions(options(r));
      return req;
    });
  const stack = new analyzerpb.AnalyzeStackRequest();
  stack.setResourcesList(
    recording.resources.map((r) => {
      const a = new analyzerpb.AnalyzerResource();
      a.setType(r.type);
      a.setName(r.name);
      a.setUrn(r.urn);
      a.setProperties(stackStruct(r, preview, byUrn));
      a.setOptions(options(r));
      if (r.parent) a.setParent(r.parent);
      a.setDependenciesList(r.dependencies);
      const deps = a.getPropertydependenciesMap();
      for (const [k, urns] of Object.entries(r.propertyDependencies)) {
        const pd = new analyzerpb.AnalyzerPropertyDependencies();
        pd.setUrnsList(urns);
        deps.set(k, pd);
      }
      return a;
    }),
  );
  return { resources, stack };
}

/** Diagnostics of an AnalyzeResponse, resolved against the recording. */
export function diagnosticsOf(resp: AnalyzeResponse, recording: Recording, fallbackUrn?: string): PolicyDiagnostic[] {
  return resp.getDiagnosticsList().map((d) => {
    const urn = d.getUrn() || fallbackUrn || "";
    const r = recording.get(urn);
    return {
      policyId: d.getPolicyname(),
      enforcementLevel: LEVELS[d.getEnforcementlevel()] ?? "advisory",
      severity: SEVERITIES[d.getSeverity()],
      urn,
      message: d.getMessage(),
      resourceType: r?.type,
      resourceName: r?.name,
    };
  });
}

/** Runs every policy over a recording: resource policies per custom resource, stack policies over the whole set. */
export async function evaluatePolicies(recording: Recording, opts: EvaluateOptions = {}): Promise<PolicyDiagnostic[]> {
  const config: PackConfig = { ...(opts.config ?? {}) };
  if (opts.production !== undefined) {
    const all = config.all;
    config.all = typeof all === "string" ? { enforcementLevel: all, production: opts.production } : { ...(all ?? {}), production: opts.production };
  }
  const pack = opts.config === undefined && opts.production === undefined ? defaultPack() : packOf(config);
  const requests = analyzerRequests(recording, { preview: opts.preview });
  const out: PolicyDiagnostic[] = [];
  for (const req of requests.resources) {
    const r = req as { getUrn(): string; getType(): string };
    out.push(...diagnosticsOf(await call(pack.analyzeKind(kindOf(r.getType())), req), recording, r.getUrn()));
  }
  out.push(...diagnosticsOf(await call(pack.analyzeStack, requests.stack), recording));
  return out;
}

/** The SDK's handlers over one configured pack; resource handlers per kind, built on first use. */
interface Pack {
  analyzeKind(kind: string): Handler;
  analyzeStack: Handler;
}

/**
 * A resource is handed only the resource policies of its kind: the others would answer notApplicable, but the SDK
 * deserializes the resource's properties for each of them first and the answer is a thrown error — most of the
 * pack's cost per stack. Diagnostics are the same (notApplicable answers are not diagnostics).
 */
function packOf(config: PackConfig): Pack {
  const policies = buildPolicies(config);
  const byKind = new Map<string, Handler>();
  return {
    analyzeKind: (kind) => {
      let h = byKind.get(kind);
      if (!h) {
        h = policyServer.makeAnalyzeRpcFun(PACK_NAME, PACK_VERSION, "mandatory", policies.filter((p) => kindsOf(p)?.has(kind) !== false));
        byKind.set(kind, h);
      }
      return h;
    },
    analyzeStack: policyServer.makeAnalyzeStackRpcFun(PACK_NAME, PACK_VERSION, "mandatory", policies),
  };
}

// The pack with its default config is a pure function of the code: built once per process, not once per stack.
let defaults: Pack | undefined;
function defaultPack(): Pack {
  return (defaults ??= packOf({}));
}

/** True when any diagnostic would fail `pulumi up` / `sqlfleet policy check`. */
export function hasMandatory(diags: PolicyDiagnostic[]): boolean {
  return diags.some((d) => d.enforcementLevel === "mandatory");
}
