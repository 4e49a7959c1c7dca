// fhir-partitioning for mssql (being written).
import type { Migration } from "../../types";
import type { FhirPartitioningOptions } from "./options";

export function mssqlMigrations(_options: FhirPartitioningOptions): Migration[] {
  return [];
}
