// The edfi-dms migration set: the DMS write path of seed 004 (dms.Document, dms.Alias, dms.Reference, 16 hash
// partitions each, keys, indexes, FKs and InsertReferences), object for object as the Ed-Fi DMS's deploy scripts
// create it. A fresh database is created; a database the DMS built is adopted as it is (the precondition has
// compared its catalog; the probes then skip every step) and validated against the same checks.
import type { Engine, MigrationSet, MigrationSetDefinition } from "../../types";
import { writePathChecks } from "./catalog-checks";
import { freshCreateDdl } from "./ddl";
import { functionsSql, INSERT_REFERENCES_IDENTITY } from "./functions";
import { shapePrecondition } from "./precondition";
import { BASELINE_SHAPE } from "./shape";

const TABLES_PRESENT = `SELECT to_regclass('dms.document') IS NOT NULL
   AND to_regclass('dms.alias') IS NOT NULL
   AND to_regclass('dms.reference') IS NOT NULL AS done`;

// Any InsertReferences with the DMS's signature is the application's: adoption never replaces it (the
// precondition has already refused one with another result).
const FUNCTIONS_PRESENT = `SELECT to_regprocedure('${INSERT_REFERENCES_IDENTITY}') IS NOT NULL AS done`;

function migrations(): MigrationSet["migrations"] {
  return [
    {
      id: "0001-write-path",
      description: "dms.Document, dms.Alias, dms.Reference (16 hash partitions each) with keys, indexes and FKs; InsertReferences",
      steps: [
        {
          name: "tables",
          kind: "ddl",
          description: "create the three partitioned tables, their 48 leaves, indexes and foreign keys",
          lock: { mode: "AccessExclusive", on: "dms.document, dms.alias, dms.reference (new, empty)", brief: true },
          transactional: true,
          done: { sql: TABLES_PRESENT },
          up: freshCreateDdl(BASELINE_SHAPE).map((sql) => ({ sql })),
          // The write path holds the customer's documents: rollback never drops it.
        },
        {
          name: "functions",
          kind: "ddl",
          description: "dms.InsertReferences (delete-then-insert, unknown referential ids reported, nothing written)",
          lock: { mode: "none", on: "dms functions (CREATE OR REPLACE)", brief: true },
          transactional: true,
          done: { sql: FUNCTIONS_PRESENT },
          up: functionsSql(BASELINE_SHAPE).map((sql) => ({ sql })),
        },
        {
          name: "validate",
          kind: "validate",
          description: "partition counts, valid indexes, validated FKs and the functions, as seed 004 describes them",
          lock: { mode: "AccessShare", on: "catalog only", brief: true },
          transactional: false,
          up: [],
          checks: writePathChecks(BASELINE_SHAPE),
        },
      ],
      // Dropping the document store is not a rollback; deprovisioning is a separate decision.
      irreversible: true,
    },
  ];
}

export const edfiDms: MigrationSetDefinition = {
  name: "edfi-dms",
  description: "Ed-Fi DMS write path on PostgreSQL (seed 004): Document, Alias, Reference and InsertReferences",
  engines: ["postgres"],
  optionDocs: {},
  build(engine: Engine, raw: Record<string, unknown> = {}): MigrationSet {
    const unknown = Object.keys(raw).filter((k) => raw[k] !== undefined);
    if (unknown.length > 0) throw new Error(`edfi-dms: unknown option "${unknown[0]}"; this set takes no options`);
    if (engine !== "postgres") throw new Error(`edfi-dms: engine "${engine}" is not supported; allowed: postgres`);
    return { name: "edfi-dms", engine, description: this.description, options: {}, migrations: migrations(), preconditions: [shapePrecondition()] };
  },
};
