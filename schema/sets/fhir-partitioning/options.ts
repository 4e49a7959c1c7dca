// Options of the fhir-partitioning set: which resource types are "conformance" (system partition 1).
// The default matches the FHIR server's prototype list (research/migrations.md §3.4); ConceptMap and
// NamingSystem are the likeliest additions. The list used is recorded in the ledger and in the checksum.

export const DEFAULT_CONFORMANCE_TYPES = [
  "SearchParameter",
  "OperationDefinition",
  "StructureDefinition",
  "ValueSet",
  "CodeSystem",
  "CapabilityStatement",
  "CompartmentDefinition",
] as const;

export interface FhirPartitioningOptions {
  /** Resource type names moved into partition 1, resolved by name from the ResourceType table. */
  conformanceTypes: string[];
}

const TYPE_NAME = /^[A-Z][A-Za-z]{1,63}$/;
const KNOWN_OPTIONS = ["conformanceTypes"];

/** Validates options; errors name the option, the value and the allowed form. */
export function parseFhirPartitioningOptions(raw: Record<string, unknown> = {}): FhirPartitioningOptions {
  for (const k of Object.keys(raw)) {
    if (!KNOWN_OPTIONS.includes(k) && raw[k] !== undefined) {
      throw new Error(`fhir-partitioning: unknown option "${k}"; allowed: ${KNOWN_OPTIONS.join(", ")}`);
    }
  }
  const v = raw.conformanceTypes;
  // Sorted, so the same list in another order is the same definition (and checksum).
  if (v === undefined || v === null) return { conformanceTypes: [...DEFAULT_CONFORMANCE_TYPES].sort() };
  if (!Array.isArray(v) || v.length === 0 || v.length > 64) {
    throw new Error(
      `fhir-partitioning: option conformanceTypes must be a list of 1 to 64 FHIR resource type names; got ${JSON.stringify(v)}`,
    );
  }
  const seen = new Set<string>();
  for (const t of v) {
    if (typeof t !== "string" || !TYPE_NAME.test(t)) {
      throw new Error(
        `fhir-partitioning: option conformanceTypes has ${JSON.stringify(t)}; each entry must be a FHIR resource type name matching ${TYPE_NAME}`,
      );
    }
    if (seen.has(t)) throw new Error(`fhir-partitioning: option conformanceTypes lists "${t}" twice`);
    seen.add(t);
  }
  return { conformanceTypes: [...v].sort() as string[] };
}
