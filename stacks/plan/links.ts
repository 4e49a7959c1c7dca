// Where people browse what a stack deploys: the audit workbook's resource id and its Azure portal link, printed by
// `sqlfleet plan`. In an offline plan the id carries the mocks' placeholder subscription; the workbook's own name
// (a UUID derived from the environment) is the deployed one.
import { MOCK_SUBSCRIPTION } from "../../offline/azure-mocks";
import type { PlanResource } from "./snapshot";

export const WORKBOOK_TYPE = "azure-native:applicationinsights:Workbook";

export interface WorkbookLink {
  displayName: string;
  id: string;
  portalUrl: string;
  /** True when the id's subscription is the offline placeholder (substitute the real one). */
  placeholderSubscription: boolean;
}

export function workbookLinks(resources: readonly PlanResource[]): WorkbookLink[] {
  return resources
    .filter((r) => r.type === WORKBOOK_TYPE && typeof r.id === "string" && r.id.length > 0)
    .map((r) => {
      const id = r.id as string;
      return {
        displayName: String(r.inputs.displayName ?? r.name),
        id,
        portalUrl: `https://portal.azure.com/#resource${id}/workbook`,
        placeholderSubscription: id.includes(MOCK_SUBSCRIPTION),
      };
    });
}
