// The private network an environment's servers sit behind: a VNet per region with a private-endpoint subnet,
// and the private DNS zones the endpoints register in (public network access stays disabled everywhere).
import * as network from "@pulumi/azure-native/network";
import * as privatedns from "@pulumi/azure-native/privatedns";
import * as pulumi from "@pulumi/pulumi";

export interface RegionNetwork {
  vnetId: pulumi.Output<string>;
  privateEndpointSubnetId: pulumi.Output<string>;
  postgresSubnetId?: pulumi.Output<string>;
}

export function regionNetwork(
  name: string,
  args: { resourceGroupName: pulumi.Input<string>; location: string; vnetCidr: string; privateEndpointSubnetCidr: string; postgresSubnetCidr?: string; tags: Record<string, string> },
  parent?: pulumi.Resource,
): RegionNetwork {
  const vnet = new network.VirtualNetwork(
    `${name}-vnet`,
    { resourceGroupName: args.resourceGroupName, location: args.location, addressSpace: { addressPrefixes: [args.vnetCidr] }, tags: args.tags },
    { parent },
  );
  const pe = new network.Subnet(
    `${name}-snet-pe`,
    { resourceGroupName: args.resourceGroupName, virtualNetworkName: vnet.name, addressPrefix: args.privateEndpointSubnetCidr, privateEndpointNetworkPolicies: "Disabled" },
    { parent: vnet },
  );
  // The Ed-Fi PostgreSQL flexible server is VNet-injected: its subnet is delegated.
  const pgSubnet = args.postgresSubnetCidr
    ? new network.Subnet(
        `${name}-snet-pg`,
        {
          resourceGroupName: args.resourceGroupName,
          virtualNetworkName: vnet.name,
          addressPrefix: args.postgresSubnetCidr,
          delegations: [{ name: "pg", serviceName: "Microsoft.DBforPostgreSQL/flexibleServers" }],
        },
        { parent: vnet, dependsOn: [pe] },
      )
    : undefined;
  return { vnetId: vnet.id, privateEndpointSubnetId: pe.id, postgresSubnetId: pgSubnet?.id };
}

/** A private DNS zone linked to every given VNet. */
export function privateZone(
  name: string,
  zoneName: string,
  args: { resourceGroupName: pulumi.Input<string>; vnetIds: pulumi.Input<string>[]; tags: Record<string, string> },
  parent?: pulumi.Resource,
): pulumi.Output<string> {
  const zone = new privatedns.PrivateZone(name, { resourceGroupName: args.resourceGroupName, location: "Global", privateZoneName: zoneName, tags: args.tags }, { parent });
  args.vnetIds.forEach((vnetId, i) => {
    new privatedns.VirtualNetworkLink(
      `${name}-link-${i}`,
      { resourceGroupName: args.resourceGroupName, privateZoneName: zone.name, location: "Global", registrationEnabled: false, virtualNetwork: { id: vnetId } },
      { parent: zone },
    );
  });
  return zone.id;
}
