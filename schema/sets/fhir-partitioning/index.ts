// The fhir-partitioning migration set (DESIGN.md §6): resource store, Partition lookup, PartitionId with a
// metadata-only default, partition-aware indexes built online, conformance backfill into partition 1, validation.
import type { Engine, MigrationSet, MigrationSetDefinition } from "../../types";
import { parseFhirPartitioningOptions } from "./options";
import { postgresMigrations } from "./postgres";
import { mssqlMigrations } from "./mssql";
import { fhirResourceShapePrecondition, fhirSchemaVersionPrecondition } from "./fhir-server-schema";
import { postgresStorePrecondition } from "./postgres-store-shape";

export const fhirPartitioning: MigrationSetDefinition = {
  name: "fhir-partitioning",
  description: "FHIR lightweight data partitioning: Partition table, PartitionId, online indexes, conformance backfill",
  engines: ["postgres", "mssql"],
  optionDocs: {
    conformanceTypes: "resource type names moved into partition 1 (system); default: the 7 conformance types",
  },
  build(engine: Engine, raw?: Record<string, unknown>): MigrationSet {
    const options = parseFhirPartitioningOptions(raw);
    return {
      name: "fhir-partitioning",
      engine,
      description: fhirPartitioning.description,
      options: { conformanceTypes: options.conformanceTypes },
      migrations: engine === "postgres" ? postgresMigrations(options) : mssqlMigrations(options),
      // Read-only, before the ledger exists: a database whose store is not the shape the steps expect is refused.
      preconditions:
        engine === "postgres" ? [postgresStorePrecondition()] : [fhirSchemaVersionPrecondition(), fhirResourceShapePrecondition()],
    };
  },
};
