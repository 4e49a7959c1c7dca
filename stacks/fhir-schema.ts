// Wires the FHIR partition schema (schema/provider's DatabaseSchema dynamic resource) onto a FHIR database:
// applied online after the database exists, with an Entra token acquired at run time (no credential in state).
import * as pulumi from "@pulumi/pulumi";
import type { SqlDatabase } from "../components";
import { DatabaseSchema } from "../schema/provider/database-schema";

export interface FhirSchemaArgs {
  serverFqdn: pulumi.Input<string>;
  database: SqlDatabase;
  dependsOn: pulumi.Resource[];
  parent?: pulumi.Resource;
  aliases?: pulumi.Alias[];
}

export function fhirDatabaseSchema(name: string, args: FhirSchemaArgs): DatabaseSchema {
  return new DatabaseSchema(
    name,
    { serverFqdn: args.serverFqdn, databaseName: args.database.databaseName, engine: "mssql", migrationSet: "fhir-partitioning", authentication: "entra" },
    // Removing the resource from code must never drop data (DESIGN §6); it waits for the database and its group.
    { dependsOn: [args.database, ...args.dependsOn], retainOnDelete: true, parent: args.parent, aliases: args.aliases },
  );
}
