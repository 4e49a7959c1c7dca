// Options of the edfi-dms-tuning set. Defaults follow seed 004: the no-migration mitigations and dropping the
// redundant Reference→Document FK are on; deferring the Alias FK, AliasId and the partition rebuild are opt-in.
import { REFERENCE_PARTITION_CHOICES } from "../edfi-dms/shape";

export interface EdfiTuningOptions {
  /** autovacuum_vacuum_scale_factor per Reference leaf (PG default 0.2; seed: 0.01–0.05). */
  vacuumScaleFactor: number;
  /** autovacuum_analyze_scale_factor per Reference leaf (PG default 0.1). */
  analyzeScaleFactor: number;
  /** autovacuum_vacuum_insert_scale_factor per Reference leaf (PG default 0.2). */
  insertScaleFactor: number;
  /** fillfactor of the write-hot Reference indexes (btree default 90; seed: 80–90). */
  indexFillfactor: number;
  /** Make FK_Reference_ReferencedAlias DEFERRABLE INITIALLY DEFERRED (changes when checks run, not how many). */
  deferAliasFk: boolean;
  /** Drop ReferencedDocumentId/PartitionKey with their FK and index; lookups go through Alias. */
  dropReferencedDocument: boolean;
  /** Reference stores AliasId (bigint) instead of ReferentialId (uuid). */
  aliasId: boolean;
  /** Hash partitions of dms.Reference; a change is an online rebuild (copy + swap). */
  referencePartitions: (typeof REFERENCE_PARTITION_CHOICES)[number];
  /** Must be true for referencePartitions other than 16: the rebuild is never planned implicitly. */
  allowRebuild: boolean;
}

export const DEFAULT_TUNING_OPTIONS: EdfiTuningOptions = Object.freeze({
  vacuumScaleFactor: 0.02,
  analyzeScaleFactor: 0.02,
  insertScaleFactor: 0.02,
  indexFillfactor: 85,
  deferAliasFk: false,
  dropReferencedDocument: true,
  aliasId: false,
  referencePartitions: 16,
  allowRebuild: false,
});

type Key = keyof EdfiTuningOptions;
const KNOWN = Object.keys(DEFAULT_TUNING_OPTIONS) as Key[];

function fraction(name: Key, v: unknown): number {
  if (typeof v !== "number" || !Number.isFinite(v) || v < 0.001 || v > 0.5) {
    throw new Error(`edfi-dms-tuning: option ${name} must be a number in 0.001..0.5; got ${JSON.stringify(v)}`);
  }
  return v;
}

function flag(name: Key, v: unknown): boolean {
  if (typeof v !== "boolean") throw new Error(`edfi-dms-tuning: option ${name} must be true or false; got ${JSON.stringify(v)}`);
  return v;
}

/** Validates options; errors name the option, the value and the allowed range or set. */
export function parseTuningOptions(raw: Record<string, unknown> = {}): EdfiTuningOptions {
  for (const k of Object.keys(raw)) {
    if (!KNOWN.includes(k as Key) && raw[k] !== undefined) {
      throw new Error(`edfi-dms-tuning: unknown option "${k}"; allowed: ${KNOWN.join(", ")}`);
    }
  }
  const o: EdfiTuningOptions = { ...DEFAULT_TUNING_OPTIONS };
  const get = (k: Key) => (raw[k] === undefined ? DEFAULT_TUNING_OPTIONS[k] : raw[k]);
  o.vacuumScaleFactor = fraction("vacuumScaleFactor", get("vacuumScaleFactor"));
  o.analyzeScaleFactor = fraction("analyzeScaleFactor", get("analyzeScaleFactor"));
  o.insertScaleFactor = fraction("insertScaleFactor", get("insertScaleFactor"));
  const ff = get("indexFillfactor");
  if (typeof ff !== "number" || !Number.isInteger(ff) || ff < 50 || ff > 100) {
    throw new Error(`edfi-dms-tuning: option indexFillfactor must be an integer in 50..100; got ${JSON.stringify(ff)}`);
  }
  o.indexFillfactor = ff;
  o.deferAliasFk = flag("deferAliasFk", get("deferAliasFk"));
  o.dropReferencedDocument = flag("dropReferencedDocument", get("dropReferencedDocument"));
  o.aliasId = flag("aliasId", get("aliasId"));
  o.allowRebuild = flag("allowRebuild", get("allowRebuild"));
  const parts = get("referencePartitions");
  if (!REFERENCE_PARTITION_CHOICES.includes(parts as never)) {
    throw new Error(
      `edfi-dms-tuning: option referencePartitions must be one of ${REFERENCE_PARTITION_CHOICES.join(", ")}; got ${JSON.stringify(parts)}`,
    );
  }
  o.referencePartitions = parts as EdfiTuningOptions["referencePartitions"];
  if (o.referencePartitions !== 16 && !o.allowRebuild) {
    throw new Error(
      `edfi-dms-tuning: option referencePartitions=${o.referencePartitions} rebuilds dms.Reference online (new table, ` +
        `batched copy, catch-up, swap under a brief AccessExclusive lock) and is refused unless allowRebuild=true. ` +
        `Note: DMS computes partition keys as the last UUID byte mod 16, so at most 16 of the ${o.referencePartitions} leaves can hold rows until the application's modulus changes.`,
    );
  }
  return o;
}
