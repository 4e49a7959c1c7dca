// The metrics snapshot rebalancing reads. A documented JSON format (placement/README.md), validated here so a bad
// file fails with the path of the bad field rather than a wrong plan.
import { z } from "zod";

export const DatabaseMetricsSchema = z.object({
  /** Azure database name as the stacks create it, e.g. `contoso-fhir`. */
  name: z.string().min(1),
  /** Customer stack that owns it (`prod-contoso`); `--write` edits that stack's file. */
  stack: z.string().min(1).optional(),
  /** Pool it sits in now; null or absent for a Hyperscale single database (not rebalanced). */
  pool: z.string().min(1).nullable().optional(),
  storageUsedGb: z.number().nonnegative(),
  avgVCores: z.number().nonnegative(),
  peakVCores: z.number().nonnegative(),
  /** Optional: its configured max size, for the per-database limit of a target pool. */
  maxSizeGb: z.number().positive().optional(),
});

export const MetricsSnapshotSchema = z.object({
  capturedAt: z.string().min(1),
  /** Length of the averaging window in hours (avg and peak are over this window). */
  windowHours: z.number().positive(),
  databases: z.array(DatabaseMetricsSchema),
});

export type DatabaseMetrics = z.infer<typeof DatabaseMetricsSchema>;
export type MetricsSnapshot = z.infer<typeof MetricsSnapshotSchema>;

export function parseMetricsSnapshot(data: unknown, source = "metrics"): MetricsSnapshot {
  const r = MetricsSnapshotSchema.safeParse(data);
  if (!r.success) {
    const issue = r.error.issues[0];
    throw new Error(`${source}: ${issue.path.join(".") || "(root)"}: ${issue.message}`);
  }
  return r.data;
}
