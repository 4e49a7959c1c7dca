// Deprovisioning production data is an explicit act: a production stack whose data-bearing resources have lost
// `protect` (what `deprovision: true` does) is a mandatory violation unless the pack's config for this run names
// the stack in `acknowledgedStacks`; then every finding stays visible as an advisory "data loss". Vaults and keys
// are flagged whenever their protection is lifted (deleting the key makes every backup encrypted with it unreadable).
import * as dbforpostgresql from "@pulumi/azure-native/dbforpostgresql";
import * as keyvault from "@pulumi/azure-native/keyvault";
import * as sql from "@pulumi/azure-native/sql";
import { label, ofType, stackOfUrn } from "../graph";
import { isKind, type StackRule } from "../rule";
import { cfgStrings } from "../values";

const DATA = [sql.Server, sql.Database, dbforpostgresql.Server];
const KEY_MATERIAL = [keyvault.Vault, keyvault.Key];

export const stackProdDeprovision: StackRule = {
  kind: "stack",
  id: "sqlfleet-stack-prod-deprovision",
  title: "Production data and keys stay protected unless deprovisioning is acknowledged",
  description:
    "In production, SQL servers, databases, PostgreSQL servers, Key Vaults and keys must keep `protect` (lifted by `deprovision: true`). A lifted protection is a mandatory violation unless the pack's config names the stack in acknowledgedStacks; acknowledged, each is still reported as advisory data loss.",
  level: "mandatory",
  severity: "critical",
  productionOnly: true,
  anchors: { mcsb: ["BR-2", "DP-8"], cis: ["CIS Controls 8.1 11.3"], iso: ["A.8.13"], docs: ["components/options.ts (protect, retainOnDelete, locks)"] },
  remediation:
    'Remove `sqlfleet:deprovision: true` from the production stack file; to really delete it, add {"sqlfleet-stack-prod-deprovision": {"acknowledgedStacks": ["<stack>"]}} to the policy config of the same change.',
  config: {
    acknowledgedStacks: {
      type: "array",
      items: { type: "string" },
      default: [],
      description: "Production stacks whose deprovisioning (data loss) this change acknowledges, by full stack name.",
    },
  },
  check({ resources, cfg, report }) {
    const lifted = ofType(resources, ...DATA, ...KEY_MATERIAL).filter((r) => r.opts.protect !== true);
    if (lifted.length === 0) return;
    const stack = stackOfUrn(lifted[0].urn) ?? "(unknown stack)";
    const acknowledged = cfgStrings(cfg, "acknowledgedStacks").includes(stack);
    for (const r of lifted) {
      const keys = KEY_MATERIAL.some((c) => isKind(r.type, c));
      const what = keys ? "key material (backups encrypted with it become unreadable)" : "production data";
      if (acknowledged) report.advisory(`data loss acknowledged for stack "${stack}": ${label(r)} is not protected and will be deleted with ${what}`, r.urn);
      else report.violation(`${label(r)} in production stack "${stack}" is not protected (deprovision: true?) — deleting it loses ${what}; acknowledge with acknowledgedStacks: ["${stack}"] or keep protect`, r.urn);
    }
  },
};
