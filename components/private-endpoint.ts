// Private endpoint plus its DNS zone group, so the server's FQDN resolves to the private IP inside the VNet.
import * as network from "@pulumi/azure-native/network";
import * as pulumi from "@pulumi/pulumi";
import type { PrivateAccess } from "./types";

export function privateEndpoint(
  name: string,
  args: { resourceGroupName: pulumi.Input<string>; location: string; targetId: pulumi.Input<string>; groupId: "sqlServer" | "postgresqlServer" | "vault"; access: PrivateAccess; tags?: Record<string, string> },
  opts: pulumi.CustomResourceOptions,
): { endpoint: network.PrivateEndpoint; dnsZoneGroup?: network.PrivateDnsZoneGroup } {
  const endpoint = new network.PrivateEndpoint(
    `${name}-pe`,
    {
      resourceGroupName: args.resourceGroupName,
      location: args.location,
      subnet: { id: args.access.subnetId },
      privateLinkServiceConnections: [{ name: `${name}-plsc`, privateLinkServiceId: args.targetId, groupIds: [args.groupId] }],
      tags: args.tags,
    },
    opts,
  );
  const dnsZoneGroup = args.access.privateDnsZoneId
    ? new network.PrivateDnsZoneGroup(
        `${name}-pe-dns`,
        {
          resourceGroupName: args.resourceGroupName,
          privateEndpointName: endpoint.name,
          privateDnsZoneGroupName: "default",
          privateDnsZoneConfigs: [{ name: "default", privateDnsZoneId: args.access.privateDnsZoneId }],
        },
        { ...opts, dependsOn: [endpoint] },
      )
    : undefined;
  return { endpoint, dnsZoneGroup };
}
