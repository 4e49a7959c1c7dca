// fhir-partitioning for postgres (being written).
import type { Migration } from "../../types";
import type { FhirPartitioningOptions } from "./options";

export function postgresMigrations(_options: FhirPartitioningOptions): Migration[] {
  return [];
}
