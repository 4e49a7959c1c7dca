// Migration 0003 (opt-in): FK_Reference_ReferencedAlias becomes DEFERRABLE INITIALLY DEFERRED. A deferred FK
// fires at commit, so InsertReferences switches to checking the ids itself (same result, same invalid-id
// report). ALTER CONSTRAINT propagates to the leaves and takes AccessExclusive on Reference briefly.
import type { Migration } from "../../types";
import { functionsSql, INSERT_REFERENCES_IMAGE, RESTORE_INSERT_REFERENCES } from "../edfi-dms/functions";
import type { ReferenceShape } from "../edfi-dms/shape";

const FK_STATE = `SELECT condeferrable AND condeferred AS done FROM pg_constraint
   WHERE conrelid = 'dms.reference'::regclass AND conname = 'fk_reference_referencedalias' AND conparentid = 0`;

export function deferAliasFkMigration(after: ReferenceShape): Migration {
  const lock = { mode: "AccessExclusive", on: "dms.reference (parent + leaves)", brief: true };
  return {
    id: "0003-alias-fk-deferrable",
    description: "FK_Reference_ReferencedAlias DEFERRABLE INITIALLY DEFERRED; InsertReferences checks ids up front",
    steps: [
      {
        name: "defer-fk",
        kind: "ddl",
        description: "ALTER CONSTRAINT ... DEFERRABLE INITIALLY DEFERRED and switch InsertReferences to an explicit id check",
        lock,
        transactional: true,
        done: { sql: FK_STATE },
        // The function as it was (the DMS's own on an adopted database): the rollback replays it verbatim.
        beforeImage: INSERT_REFERENCES_IMAGE,
        up: [
          { sql: "ALTER TABLE dms.Reference ALTER CONSTRAINT FK_Reference_ReferencedAlias DEFERRABLE INITIALLY DEFERRED" },
          ...functionsSql(after).map((sql) => ({ sql })),
        ],
        down: [
          // With the FK immediate again, the function as it was reports the invalid ids again.
          { sql: "ALTER TABLE dms.Reference ALTER CONSTRAINT FK_Reference_ReferencedAlias NOT DEFERRABLE INITIALLY IMMEDIATE" },
          RESTORE_INSERT_REFERENCES,
        ],
      },
    ],
  };
}
