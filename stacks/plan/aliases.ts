// The URNs a resource answers to through its `aliases` (and those it inherits from aliased parents), computed as
// the engine does from the alias specs the SDK sends, so a diff against an older plan or stack export matches a
// resource that moved (e.g. under a Workspace) instead of showing a delete and a create.
import type { RecordedResource, Recording } from "../../offline/recorder";

/**
 * How URNs are built. "engine": a child's qualified type is its parent's full chain (the root Stack left out);
 * "mock": Pulumi's in-process mocks use only the parent's last type segment and keep the Stack in it.
 */
export type UrnScheme = "engine" | "mock";

interface AliasSpec {
  urn?: string;
  name?: string;
  type?: string;
  stack?: string;
  project?: string;
  parentUrn?: string;
  noParent?: boolean;
}

interface ParsedUrn {
  stack: string;
  project: string;
  qualifiedType: string;
  name: string;
}

export function parseUrn(urn: string): ParsedUrn {
  const m = /^urn:pulumi:([^:]*)::([^:]*)::(.*?)::(.*)$/.exec(urn);
  if (!m) throw new Error(`not a Pulumi URN: ${urn}`);
  return { stack: m[1], project: m[2], qualifiedType: m[3], name: m[4] };
}

function childQualifiedType(parent: string | undefined, type: string, scheme: UrnScheme): string {
  if (!parent) return type;
  const qt = parseUrn(parent).qualifiedType;
  if (scheme === "mock") return `${qt.split("$").pop()}$${type}`;
  return qt === "pulumi:pulumi:Stack" ? type : `${qt}$${type}`;
}

export function makeUrn(stack: string, project: string, parent: string | undefined, type: string, name: string, scheme: UrnScheme): string {
  return `urn:pulumi:${stack}::${project}::${childQualifiedType(parent, type, scheme)}::${name}`;
}

/** The recorder keeps the SDK's protobuf Alias objects; read them as plain specs. */
function aliasSpecs(r: RecordedResource): AliasSpec[] {
  return r.aliases.map((a) => {
    const o = (typeof (a as { toObject?: unknown }).toObject === "function" ? (a as { toObject(): unknown }).toObject() : a) as {
      urn?: string;
      spec?: { name?: string; type?: string; stack?: string; project?: string; parenturn?: string; noparent?: boolean };
    };
    if (o.urn) return { urn: o.urn };
    const s = o.spec ?? {};
    return { name: s.name || undefined, type: s.type || undefined, stack: s.stack || undefined, project: s.project || undefined, parentUrn: s.parenturn || undefined, noParent: s.noparent === true };
  });
}

/** Every alias URN of `r`: its own specs, then one per alias of each ancestor (the engine's inherited child aliases). */
export function aliasUrns(recording: Recording, r: RecordedResource, scheme: UrnScheme = "mock", memo = new Map<string, string[]>()): string[] {
  const cached = memo.get(r.urn);
  if (cached) return cached;
  const self = parseUrn(r.urn);
  const root = recording.resources.find((x) => x.type === "pulumi:pulumi:Stack")?.urn;
  const out = new Set<string>();
  for (const a of aliasSpecs(r)) {
    if (a.urn) {
      out.add(a.urn);
      continue;
    }
    const parent = a.noParent ? (scheme === "mock" ? root : undefined) : (a.parentUrn ?? r.parent);
    out.add(makeUrn(a.stack ?? self.stack, a.project ?? self.project, parent, a.type ?? r.type, a.name ?? r.name, scheme));
  }
  const parent = r.parent ? recording.get(r.parent) : undefined;
  if (parent) {
    for (const pa of aliasUrns(recording, parent, scheme, memo)) {
      // A child named after its parent follows the parent's old name (engine: inheritedChildAlias).
      const oldParentName = parseUrn(pa).name;
      const name = r.name.startsWith(parent.name) ? oldParentName + r.name.slice(parent.name.length) : r.name;
      out.add(makeUrn(self.stack, self.project, pa, r.type, name, scheme));
    }
  }
  out.delete(r.urn);
  const list = [...out].sort();
  memo.set(r.urn, list);
  return list;
}
