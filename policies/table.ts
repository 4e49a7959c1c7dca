// The policy table of policies/README.md, generated from the rules so the document cannot drift from the code.
import { listPolicies } from "./build";

const cell = (s: string) => s.replace(/\|/g, "\\|");

export function policyTableMarkdown(): string {
  const rows = listPolicies().map((p) => {
    const a = p.anchors;
    const level = p.enforcementLevel + (p.advisoryParts ? ` (advisory: ${p.advisoryParts})` : "") + (p.productionOnly ? ", prod only" : "");
    return `| \`${p.id}\` | ${p.kind} | ${cell(level)} | ${p.severity} | ${(a.mcsb ?? []).join(", ") || "–"} | ${cell((a.azurePolicy ?? []).join(", ") || "–")} | ${cell((a.cis ?? []).join(", ") || "–")} | ${(a.checkov ?? []).join(", ") || "–"} | ${cell([...(a.pci ?? []).map((x) => `PCI ${x}`), ...(a.iso ?? []).map((x) => `ISO ${x}`), ...(a.pulumi ?? []).map((x) => `Pulumi \`${x}\``)].join(", ") || "–")} |`;
  });
  return [
    "| Policy | Kind | Level | Severity | MCSB | Azure Policy | CIS | Checkov | PCI DSS 4.0.1 / ISO 27001 / Pulumi |",
    "|---|---|---|---|---|---|---|---|---|",
    ...rows,
  ].join("\n");
}
