// Mock outputs shaped like Azure Resource Manager's: ARM ids, FQDNs, principal ids, key URIs.
// Pulumi's in-process mocks are the only stand-in for Azure (no cloud here); outputs echo inputs plus these.
import { createHash } from "node:crypto";
import * as pulumi from "@pulumi/pulumi";

export const MOCK_SUBSCRIPTION = "00000000-0000-0000-0000-000000000000";
export const MOCK_TENANT = "11111111-1111-1111-1111-111111111111";

/** azure-native module → ARM resource provider namespace. */
const NAMESPACES: Record<string, string> = {
  sql: "Microsoft.Sql",
  keyvault: "Microsoft.KeyVault",
  managedidentity: "Microsoft.ManagedIdentity",
  authorization: "Microsoft.Authorization",
  monitor: "Microsoft.Insights",
  insights: "Microsoft.Insights",
  applicationinsights: "Microsoft.Insights",
  storage: "Microsoft.Storage",
  operationalinsights: "Microsoft.OperationalInsights",
  network: "Microsoft.Network",
  resources: "Microsoft.Resources",
  dbforpostgresql: "Microsoft.DBforPostgreSQL",
  security: "Microsoft.Security",
  eventgrid: "Microsoft.EventGrid",
  alertsmanagement: "Microsoft.AlertsManagement",
};

/** Deterministic GUID from a seed, so repeated plans produce identical ids. */
export function mockGuid(seed: string): string {
  const h = createHash("sha256").update(seed).digest("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

function lowerFirst(s: string): string {
  return s.charAt(0).toLowerCase() + s.slice(1);
}

/** The resource's own Azure name: the `<type>Name` input azure-native uses, else the Pulumi name. */
function azureName(typeName: string, inputs: Record<string, unknown>, fallback: string): string {
  // A storage account's name input is `accountName` (not `storageAccountName`).
  const keys = [`${lowerFirst(typeName)}Name`, ...(typeName === "StorageAccount" ? ["accountName"] : []), "name", "resourceName"];
  for (const k of keys) {
    const v = inputs[k];
    if (typeof v === "string" && v.length > 0) return v;
  }
  return fallback;
}

function armId(mod: string, typeName: string, name: string, inputs: Record<string, unknown>): string {
  const rg = typeof inputs.resourceGroupName === "string" ? inputs.resourceGroupName : "rg-mock";
  const ns = NAMESPACES[mod] ?? `Microsoft.${mod}`;
  const scope = typeof inputs.scope === "string" ? inputs.scope : undefined;
  const parentServer = typeof inputs.serverName === "string" && typeName !== "Server" ? inputs.serverName : undefined;
  const segment = `${lowerFirst(typeName)}s`;
  if (mod === "resources" && typeName === "ResourceGroup") return `/subscriptions/${MOCK_SUBSCRIPTION}/resourceGroups/${name}`;
  if (scope) return `${scope}/providers/${ns}/${segment}/${name}`;
  const base = `/subscriptions/${MOCK_SUBSCRIPTION}/resourceGroups/${rg}/providers/${ns}`;
  if (parentServer) return `${base}/servers/${parentServer}/${segment}/${name}`;
  return `${base}/${segment}/${name}`;
}

/** Applies `f` inside a secret wrapper (keeping it secret), or directly to a plain object. */
function withinSecret(v: unknown, f: (plain: Record<string, unknown>) => Record<string, unknown>): unknown {
  const sig = pulumi.runtime.specialSigKey;
  if (typeof v === "object" && v !== null && (v as Record<string, unknown>)[sig] === pulumi.runtime.specialSecretSig) {
    return { [sig]: pulumi.runtime.specialSecretSig, value: f(((v as { value?: object }).value ?? {}) as Record<string, unknown>) };
  }
  return f((v ?? {}) as Record<string, unknown>);
}

export interface AzureMockOptions {
  /** Outputs of referenced stacks, by stack name (`org/project/stack` or just the stack). */
  stackOutputs?: Record<string, Record<string, unknown>>;
}

/** Builds the `pulumi.runtime.Mocks` used by tests, `sqlfleet plan` and the benchmarks. */
export function azureMocks(opts: AzureMockOptions = {}): pulumi.runtime.Mocks {
  return {
    call: (args) => {
      if (args.token === "azure-native:authorization:getClientConfig") {
        return { clientId: mockGuid("client"), objectId: mockGuid("object"), subscriptionId: MOCK_SUBSCRIPTION, tenantId: MOCK_TENANT };
      }
      return args.inputs;
    },
    newResource: (args) => {
      const inputs = args.inputs as Record<string, unknown>;
      if (args.type === "pulumi:pulumi:StackReference") {
        const ref = String(inputs.name);
        const short = ref.split("/").pop() ?? ref;
        const outputs = opts.stackOutputs?.[ref] ?? opts.stackOutputs?.[short];
        if (!outputs) throw new Error(`no recorded outputs for referenced stack "${ref}"`);
        return { id: ref, state: { ...inputs, outputs, secretOutputNames: [] } };
      }
      const [pkg, mod, typeName] = args.type.split(":");
      if (pkg === "random") {
        const result = createHash("sha256").update(`pw:${args.name}`).digest("base64url").slice(0, Number(inputs.length ?? 32));
        return { id: args.name, state: { ...inputs, result } };
      }
      if (pkg !== "azure-native") return { id: `${args.name}-id`, state: inputs };
      const name = azureName(typeName, inputs, args.name);
      const id = armId(mod, typeName, name, inputs);
      const state: Record<string, unknown> = { ...inputs, name, id };
      const extra: Record<string, unknown> = {};
      switch (args.type) {
        case "azure-native:sql:Server":
          extra.fullyQualifiedDomainName = `${name}.database.windows.net`;
          break;
        case "azure-native:dbforpostgresql:Server":
          extra.fullyQualifiedDomainName = `${name}.postgres.database.azure.com`;
          break;
        case "azure-native:keyvault:Vault":
          extra.properties = { ...(inputs.properties as object), vaultUri: `https://${name}.vault.azure.net/` };
          break;
        case "azure-native:keyvault:Key": {
          const vault = String(inputs.vaultName ?? "vault");
          const version = createHash("sha256").update(`${vault}/${name}`).digest("hex").slice(0, 32);
          extra.keyUri = `https://${vault}.vault.azure.net/keys/${name}`;
          extra.keyUriWithVersion = `https://${vault}.vault.azure.net/keys/${name}/${version}`;
          break;
        }
        case "azure-native:keyvault:Secret":
          extra.properties = withinSecret(inputs.properties, (p) => ({ ...p, secretUri: `https://${String(inputs.vaultName)}.vault.azure.net/secrets/${name}` }));
          break;
        case "azure-native:managedidentity:UserAssignedIdentity":
          extra.principalId = mockGuid(`principal:${id}`);
          extra.clientId = mockGuid(`client:${id}`);
          extra.tenantId = MOCK_TENANT;
          break;
        case "azure-native:operationalinsights:Workspace":
          extra.customerId = mockGuid(`law:${id}`);
          break;
        case "azure-native:sql:FailoverGroup":
          extra.readWriteEndpoint = { ...(inputs.readWriteEndpoint as object) };
          break;
      }
      return { id, state: { ...state, ...extra } };
    },
  };
}
