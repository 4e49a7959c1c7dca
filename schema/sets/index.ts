// Registry of migration sets by name. Each entry builds an engine-specific set from options; add a set by
// importing its definition and adding one line to `migrationSets` (e.g. "edfi-dms", "edfi-dms-tuning").
import { withChecksums } from "../checksum";
import type { ChecksummedSet, Engine, MigrationSetDefinition } from "../types";
import { fhirPartitioning } from "./fhir-partitioning";
import { edfiSets } from "./edfi-dms/registry";

export const migrationSets: Record<string, MigrationSetDefinition> = {
  "fhir-partitioning": fhirPartitioning,
  ...edfiSets,
};

/** Names of every registered set, sorted. */
export function setNames(): string[] {
  return Object.keys(migrationSets).sort();
}

/** The definition of a set; throws naming the value and the allowed names. */
export function getSetDefinition(name: string): MigrationSetDefinition {
  const def = Object.prototype.hasOwnProperty.call(migrationSets, name) ? migrationSets[name] : undefined;
  if (!def) throw new Error(`migration set "${name}" is unknown; allowed: ${setNames().join(", ")}`);
  return def;
}

/** Builds a set for an engine with options and computes its checksums; errors name the set, engine and option. */
export function buildSet(name: string, engine: Engine, options: Record<string, unknown> = {}): ChecksummedSet {
  const def = getSetDefinition(name);
  if (!def.engines.includes(engine)) {
    throw new Error(`migration set "${name}" does not support engine "${engine}"; allowed: ${def.engines.join(", ")}`);
  }
  const set = def.build(engine, options);
  if (set.name !== name || set.engine !== engine) {
    throw new Error(`migration set "${name}" built "${set.name}" for "${set.engine}" (expected "${name}" for "${engine}")`);
  }
  return withChecksums(set);
}
