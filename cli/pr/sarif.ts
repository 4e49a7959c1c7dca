// SARIF 2.1.0 for code scanning: one rule per policy (help text, benchmark anchors), one result per violation or
// invalid key, located at the config key that caused it (its file and line, from the PR check's Fleet) where one
// did, else at the stack file (its first changed key's line when the stack file changed in the PR).
import { listPolicies } from "../../policies/build";
import type { PrReport } from "../../stacks/pr/run";

const LEVEL: Record<string, "error" | "warning" | "note"> = { mandatory: "error", advisory: "warning", disabled: "note" };
const DATA_LOSS_RULE = "sqlfleet-unacknowledged-data-loss";
const INVALID_CONFIG_RULE = "sqlfleet-invalid-configuration";

export function prSarif(r: PrReport): object {
  const policies = listPolicies();
  const rules = [
    ...policies.map((p) => ({
      id: p.id,
      name: p.title,
      shortDescription: { text: p.title },
      fullDescription: { text: p.description },
      help: { text: p.remediation },
      defaultConfiguration: { level: LEVEL[String(p.enforcementLevel)] ?? "warning" },
      properties: { tags: [p.framework.name, ...Object.values(p.anchors).flat()].map(String), framework: `${p.framework.name} ${p.framework.reference}`, severity: p.severity },
    })),
    {
      id: DATA_LOSS_RULE,
      name: "Data-bearing resource replaced or deleted without acknowledgement",
      shortDescription: { text: "Data-bearing resource replaced or deleted without acknowledgement" },
      help: { text: "Acknowledge with `sqlfleet pr --acknowledge-data-loss <stack>:<resource>` (the workflow passes it from the PR label sqlfleet-accept-data-loss), or change the plan." },
      defaultConfiguration: { level: "error" as const },
    },
    {
      id: INVALID_CONFIG_RULE,
      name: "Invalid stack configuration",
      shortDescription: { text: "A config value outside what sqlfleet or Azure allows" },
      help: { text: "Fix the value at the reported key; the message names the allowed range or set (the same check `sqlfleet plan <stack>` runs, exit 2)." },
      defaultConfiguration: { level: "error" as const },
    },
  ];
  const index = new Map(rules.map((x, i) => [x.id, i]));
  const results = r.stacks.flatMap((s) => {
    const fallback = { file: s.file, line: s.changedKeys[0]?.line ?? 1 };
    const location = (at: { file: string; line: number } = fallback) => [
      { physicalLocation: { artifactLocation: { uri: at.file, uriBaseId: "%SRCROOT%" }, region: { startLine: at.line } } },
    ];
    const keyOf = (at?: { key: string }) => (at ? { configKey: at.key } : {});
    return [
      ...s.diagnostics.map((d) => ({
        ruleId: d.policyId,
        ...(index.has(d.policyId) ? { ruleIndex: index.get(d.policyId) } : {}),
        level: LEVEL[d.enforcementLevel] ?? "warning",
        message: { text: `${s.stack}: ${d.message}` },
        locations: location(d.at),
        properties: { stack: s.stack, urn: d.urn, ...keyOf(d.at) },
      })),
      ...s.unacknowledged.map((c) => ({
        ruleId: DATA_LOSS_RULE,
        ruleIndex: index.get(DATA_LOSS_RULE),
        level: "error" as const,
        message: { text: `${s.stack}: ${c.name} (${c.type}) ${c.classification}: ${c.reasons.join("; ")}` },
        locations: location(c.at),
        properties: { stack: s.stack, urn: c.urn, ...keyOf(c.at) },
      })),
      ...(s.problems ?? (s.error ? [undefined] : [])).map((p) => ({
        ruleId: INVALID_CONFIG_RULE,
        ruleIndex: index.get(INVALID_CONFIG_RULE),
        level: "error" as const,
        message: { text: p ? `${s.stack}: ${p.key} = ${JSON.stringify(p.value) ?? "(not set)"}: ${p.allowed}` : `${s.stack}: ${s.error ?? ""}` },
        locations: location(p?.location),
        properties: { stack: s.stack, ...(p ? { configKey: p.key } : {}) },
      })),
    ];
  });
  return {
    $schema: "https://json.schemastore.org/sarif-2.1.0.json",
    version: "2.1.0",
    runs: [{ tool: { driver: { name: "sqlfleet", informationUri: "https://github.com/", rules } }, originalUriBaseIds: { "%SRCROOT%": { description: { text: "repository root" } } }, results }],
  };
}
