// Captures the provider text a program actually sends (the `__provider` input under the mock recorder).
import * as pulumi from "@pulumi/pulumi";
import { DatabaseSchema, type DatabaseSchemaArgs } from "../../schema/provider/database-schema";
import { recordProgram, type RecordedResource } from "../support/recorder";

export const FIXTURE_PASSWORD = "fixture-Pa55word-never-in-text";

export async function recordSchemaResource(args: Partial<DatabaseSchemaArgs> = {}, preview = false): Promise<RecordedResource> {
  const { recording } = await recordProgram(
    async () => {
      new DatabaseSchema("fhir-schema", {
        serverFqdn: "sql-x.database.windows.net",
        databaseName: "fhir",
        engine: "postgres",
        migrationSet: "fhir-partitioning",
        authentication: "password",
        user: "runner",
        password: pulumi.output(FIXTURE_PASSWORD),
        ...args,
      });
    },
    { stack: "dev", preview },
  );
  return recording.one("fhir-schema");
}
