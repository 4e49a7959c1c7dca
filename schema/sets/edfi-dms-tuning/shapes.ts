// The shape of the write path before and after each tuning migration, from the options. Rollback of a
// migration renders the functions of the shape before it, so the restored definitions equal the originals.
import { BASELINE_SHAPE, type ReferenceShape } from "../edfi-dms/shape";
import type { EdfiTuningOptions } from "./options";

export interface ShapeTimeline {
  baseline: ReferenceShape;
  afterDefer: ReferenceShape;
  afterDrop: ReferenceShape;
  afterAliasId: ReferenceShape;
  afterRebuild: ReferenceShape;
}

export function shapeTimeline(o: EdfiTuningOptions): ShapeTimeline {
  const baseline = { ...BASELINE_SHAPE };
  const afterDefer = { ...baseline, aliasFkDeferred: o.deferAliasFk };
  const afterDrop = { ...afterDefer, referencedDocumentColumns: !o.dropReferencedDocument };
  const afterAliasId = { ...afterDrop, aliasKey: o.aliasId ? ("AliasId" as const) : ("ReferentialId" as const) };
  const afterRebuild = { ...afterAliasId, referencePartitions: o.referencePartitions };
  return { baseline, afterDefer, afterDrop, afterAliasId, afterRebuild };
}
