// Both Ed-Fi DMS sets, for the set registry (schema/sets/index.ts spreads this object).
import type { MigrationSetDefinition } from "../../types";
import { edfiDmsTuning } from "../edfi-dms-tuning";
import { edfiDms } from "./index";

export const edfiSets: Record<string, MigrationSetDefinition> = {
  "edfi-dms": edfiDms,
  "edfi-dms-tuning": edfiDmsTuning,
};
