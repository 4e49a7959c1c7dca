// Wires the FHIR partition schema (schema/provider's DatabaseSchema dynamic resource) onto a FHIR database.
// The provider module is developed alongside; until it is present this registers nothing and says so.
import * as pulumi from "@pulumi/pulumi";
import type { SqlDatabase } from "../components";

export interface FhirSchemaArgs {
  serverFqdn: string;
  database: SqlDatabase;
  dependsOn: pulumi.Resource[];
}

type DatabaseSchemaCtor = new (name: string, args: Record<string, unknown>, opts?: pulumi.CustomResourceOptions) => pulumi.Resource;

function loadDatabaseSchema(): DatabaseSchemaCtor | undefined {
  try {
    const mod = require("../schema/provider/database-schema") as { DatabaseSchema?: DatabaseSchemaCtor };
    return mod.DatabaseSchema;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "MODULE_NOT_FOUND") return undefined;
    throw e;
  }
}

export function fhirDatabaseSchema(name: string, args: FhirSchemaArgs): pulumi.Resource | undefined {
  const DatabaseSchema = loadDatabaseSchema();
  if (!DatabaseSchema) return undefined;
  return new DatabaseSchema(
    name,
    { engine: "mssql", migrationSet: "fhir-partitioning", server: args.serverFqdn, database: args.database.databaseName, auth: { kind: "entra" } },
    // Removing the resource from code must never drop data: retainOnDelete (DESIGN §6).
    { dependsOn: [args.database, ...args.dependsOn], retainOnDelete: true },
  );
}
