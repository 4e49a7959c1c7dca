// A plan's resources in a file-safe form: every registration with its inputs, secrets redacted. It is what
// `sqlfleet plan --json` writes and what `--against` reads back (along with `pulumi stack export` files).
import { createHash } from "node:crypto";
import type { RecordedResource, Recording } from "../../offline/recorder";
import { InputError } from "../config/errors";
import { aliasUrns } from "./aliases";

export const REDACTED = "[secret]";

export interface PlanResource {
  urn: string;
  type: string;
  name: string;
  parent?: string;
  /** The Azure resource id (mock output in a plan, the real one in a stack export). */
  id?: string;
  protect: boolean;
  retainOnDelete: boolean;
  /** Older URNs this resource answers to (its aliases and its parents'), so a diff follows a move. */
  aliases?: string[];
  inputs: Record<string, unknown>;
}

function redact(value: unknown, path: string, secret: Set<string>): unknown {
  if (secret.has(path)) return REDACTED;
  if (Array.isArray(value)) return value.map((v, i) => redact(v, `${path}[${i}]`, secret));
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redact(v, path ? `${path}.${k}` : k, secret)]));
  }
  return value;
}

/** A dynamic resource's serialized provider is code, hundreds of KB: keep its digest, not its text. */
function compactInputs(inputs: Record<string, unknown>): Record<string, unknown> {
  const p = inputs.__provider;
  if (typeof p !== "string") return inputs;
  return { ...inputs, __provider: `[serialized provider, ${p.length} chars, sha256:${createHash("sha256").update(p).digest("hex").slice(0, 16)}]` };
}

export function snapshotResource(r: RecordedResource, recording: Recording, memo = new Map<string, string[]>()): PlanResource {
  const id = typeof r.outputs.id === "string" ? r.outputs.id : r.id;
  const aliases = aliasUrns(recording, r, "mock", memo);
  return {
    urn: r.urn,
    type: r.type,
    name: r.name,
    ...(r.parent ? { parent: r.parent } : {}),
    ...(id ? { id } : {}),
    protect: r.protect,
    retainOnDelete: recording.effectiveRetainOnDelete(r),
    ...(aliases.length > 0 ? { aliases } : {}),
    inputs: compactInputs(redact(r.inputs, "", new Set(r.secretPaths)) as Record<string, unknown>),
  };
}

export function snapshotRecording(recording: Recording): PlanResource[] {
  const memo = new Map<string, string[]>();
  return recording.resources.filter((r) => r.type !== "pulumi:pulumi:Stack").map((r) => snapshotResource(r, recording, memo));
}

/** Reads a previous plan (`sqlfleet plan --json`) or a `pulumi stack export` file into plan resources. */
export function resourcesFromFile(doc: unknown, source: string): PlanResource[] {
  const d = doc as Record<string, unknown> | null;
  if (d && Array.isArray(d.resources)) return d.resources as PlanResource[];
  const deployment = d?.deployment as { resources?: Record<string, unknown>[] } | undefined;
  if (deployment && Array.isArray(deployment.resources)) {
    return deployment.resources
      .filter((r) => r.type !== "pulumi:pulumi:Stack" && !String(r.type).startsWith("pulumi:providers:"))
      .map((r) => {
        const urn = String(r.urn);
        const outputs = (r.outputs ?? {}) as Record<string, unknown>;
        return {
          urn,
          type: String(r.type),
          name: urn.split("::").pop() ?? urn,
          ...(r.parent ? { parent: String(r.parent) } : {}),
          ...(typeof r.id === "string" ? { id: r.id } : typeof outputs.id === "string" ? { id: outputs.id } : {}),
          protect: r.protect === true,
          retainOnDelete: r.retainOnDelete === true,
          inputs: stripSecretSigs((r.inputs ?? {}) as Record<string, unknown>) as Record<string, unknown>,
        };
      });
  }
  throw new InputError(source, `${source}: neither a sqlfleet plan (--json, with "resources") nor a pulumi stack export (with "deployment.resources")`);
}

const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

/** Stack exports carry secrets as {"4dabf18193072939515e22adb298388d": SECRET_SIG, ...}: redact them. */
function stripSecretSigs(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(stripSecretSigs);
  if (v && typeof v === "object") {
    const o = v as Record<string, unknown>;
    if (Object.values(o).includes(SECRET_SIG)) return REDACTED;
    return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, stripSecretSigs(x)]));
  }
  return v;
}
