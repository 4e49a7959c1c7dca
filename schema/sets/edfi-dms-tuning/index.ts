// The edfi-dms-tuning migration set (seed 004 on PostgreSQL / Azure Database for PostgreSQL Flexible Server):
// 0001 per-leaf autovacuum, 0002 index fillfactor + concurrent reindex, 0003 deferrable Alias FK (opt-in),
// 0004 drop the redundant Reference→Document FK with its columns and index (an online rebuild, so a rollback
// restores the DMS's column order), 0005 AliasId (opt-in, a rebuild),
// 0006 partition breadth rebuild (only with allowRebuild). Each step declares its lock, is idempotent through a
// catalog probe, captures its before-image and has a rollback.
import type { Engine, Migration, MigrationSet, MigrationSetDefinition } from "../../types";
import { autovacuumMigration } from "./autovacuum";
import { deferAliasFkMigration } from "./defer-alias-fk";
import { fillfactorMigration } from "./fillfactor";
import { parseTuningOptions, type EdfiTuningOptions } from "./options";
import { referenceRebuildMigration } from "./reference-rebuild";
import { shapeTimeline } from "./shapes";

export function tuningMigrations(o: EdfiTuningOptions): Migration[] {
  const t = shapeTimeline(o);
  const out: Migration[] = [autovacuumMigration(o), fillfactorMigration(o)];
  if (o.deferAliasFk) out.push(deferAliasFkMigration(t.afterDefer));
  if (o.dropReferencedDocument) out.push(referenceRebuildMigration(t.afterDefer, t.afterDrop, o));
  if (t.afterAliasId.aliasKey !== t.afterDrop.aliasKey) out.push(referenceRebuildMigration(t.afterDrop, t.afterAliasId, o));
  if (t.afterRebuild.referencePartitions !== t.afterAliasId.referencePartitions) {
    out.push(referenceRebuildMigration(t.afterAliasId, t.afterRebuild, o));
  }
  return out;
}

export const edfiDmsTuning: MigrationSetDefinition = {
  name: "edfi-dms-tuning",
  description: "Ed-Fi DMS write-path tuning (seed 004): autovacuum, fillfactor, redundant FK removal, partition breadth",
  engines: ["postgres"],
  optionDocs: {
    vacuumScaleFactor: "autovacuum_vacuum_scale_factor per Reference leaf, 0.001..0.5 (default 0.02)",
    analyzeScaleFactor: "autovacuum_analyze_scale_factor per Reference leaf, 0.001..0.5 (default 0.02)",
    insertScaleFactor: "autovacuum_vacuum_insert_scale_factor per Reference leaf, 0.001..0.5 (default 0.02)",
    indexFillfactor: "fillfactor of the write-hot Reference indexes, 50..100 (default 85)",
    deferAliasFk: "make FK_Reference_ReferencedAlias DEFERRABLE INITIALLY DEFERRED (default false)",
    dropReferencedDocument: "drop the redundant Reference→Document FK, its columns and index (default true)",
    aliasId: "store AliasId instead of ReferentialId in Reference, as an online rebuild (default false)",
    referencePartitions: "hash partitions of dms.Reference: 16, 32 or 64 (default 16; a change is an online rebuild)",
    allowRebuild: "must be true to plan a referencePartitions change (default false)",
  },
  build(engine: Engine, raw: Record<string, unknown> = {}): MigrationSet {
    if (engine !== "postgres") throw new Error(`edfi-dms-tuning: engine "${engine}" is not supported; allowed: postgres`);
    const o = parseTuningOptions(raw);
    return {
      name: "edfi-dms-tuning",
      engine,
      description: this.description,
      // Every migration renders its option values into its own SQL, so its checksum already covers them. Not
      // adding the options again keeps applied migrations stable when a later one is asked for (e.g. the
      // partition rebuild after the default tuning), instead of a checksum mismatch on 0001.
      options: {},
      requires: ["edfi-dms"],
      migrations: tuningMigrations(o),
    };
  },
};
