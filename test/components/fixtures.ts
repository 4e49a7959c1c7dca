// Shared argument values for the component tests.
import { MOCK_TENANT } from "../support/recorder";
import type { Diagnostics, EntraAdmin } from "../../components";

export const TENANT = MOCK_TENANT;
export const RG = "rg-data";
export const WORKSPACE_ID = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-data/providers/Microsoft.OperationalInsights/workspaces/law-test";
export const diagnostics: Diagnostics = { workspaceId: WORKSPACE_ID };
export const entraAdmin: EntraAdmin = {
  login: "sql-admins",
  objectId: "22222222-2222-2222-2222-222222222222",
  principalType: "Group",
  tenantId: TENANT,
};
export const SUBNET_ID = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworks/vnet/subnets/data";
export const SQL_DNS_ZONE_ID = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-net/providers/Microsoft.Network/privateDnsZones/privatelink.database.windows.net";
