// Links between resources in a stack policy: through property dependencies, explicit dependencies and parents
// (URN-based, so they hold during preview), never by guessing from names.
import { UnknownValueError, type PolicyResource } from "@pulumi/policy";
import { kindOf, tokenOf, type ResourceClass } from "./rule";

/** Resources of `classes`, whatever API version their tokens name. */
export function ofType(resources: PolicyResource[], ...classes: ResourceClass[]): PolicyResource[] {
  const tokens = new Set(classes.map((c) => tokenOf(c)));
  return resources.filter((r) => tokens.has(kindOf(r.type)));
}

/** True when `from` uses an output of `to` in input `key` (any input when `key` is omitted). */
export function usesOutputOf(from: PolicyResource, to: PolicyResource, key?: string): boolean {
  const deps = from.propertyDependencies ?? {};
  const lists = key ? [deps[key] ?? []] : Object.values(deps);
  return lists.some((l) => l.some((d) => d.urn === to.urn));
}

/** True when `from` depends on `to` in any way: an input, `dependsOn`, or a parent chain. */
export function dependsOn(from: PolicyResource, to: PolicyResource): boolean {
  if (usesOutputOf(from, to) || from.dependencies.some((d) => d.urn === to.urn)) return true;
  for (let p = from.parent; p; p = p.parent) if (p.urn === to.urn) return true;
  return false;
}

/** Resources of `classes` that use an output of `target` in input `key`. */
export function referrers(resources: PolicyResource[], target: PolicyResource, key: string, ...classes: ResourceClass[]): PolicyResource[] {
  return ofType(resources, ...classes).filter((r) => usesOutputOf(r, target, key));
}

/** The resources of `classes` whose outputs feed input `key` of `from`. */
export function sources(from: PolicyResource, key: string, ...classes: ResourceClass[]): PolicyResource[] {
  const tokens = new Set(classes.map((c) => tokenOf(c)));
  return (from.propertyDependencies?.[key] ?? []).filter((d) => tokens.has(kindOf(d.type)));
}

/** The resource the child's input `key` (e.g. `serverName`) points at; falls back to the parent chain. */
export function ownerOf(child: PolicyResource, key: string, ...classes: ResourceClass[]): PolicyResource | undefined {
  const direct = sources(child, key, ...classes)[0];
  if (direct) return direct;
  const tokens = new Set(classes.map((c) => tokenOf(c)));
  for (let p = child.parent; p; p = p.parent) if (tokens.has(kindOf(p.type))) return p;
  return undefined;
}

/** The stack name inside a URN: `urn:pulumi:<stack>::<project>::...`. */
export function stackOfUrn(urn: string): string | undefined {
  const m = /^urn:pulumi:([^:]+)::/.exec(urn);
  return m?.[1];
}

export function label(r: PolicyResource): string {
  return `${r.type.split(":").pop()} "${r.name}"`;
}

/** A value that may be unknown during preview: `fallback` instead of the SDK's UnknownValueError. */
export function knownOr<T>(read: () => T, fallback: T): T {
  try {
    return read();
  } catch (e) {
    if (e instanceof UnknownValueError) return fallback;
    throw e;
  }
}

/** Input `key` is set: fed by another resource (known during preview) or a non-blank known value. */
export function inputSet(r: PolicyResource, key: string): boolean {
  if ((r.propertyDependencies?.[key] ?? []).length > 0) return true;
  return knownOr(() => {
    const v = r.props[key];
    return v !== undefined && v !== null && !(typeof v === "string" && v.trim() === "");
  }, true);
}
