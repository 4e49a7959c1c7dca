// The PR summary in Markdown (for $GITHUB_STEP_SUMMARY or a PR comment): per stack, the classified changes, what
// each means for the customer, and the policy violations.
import type { ResourceChange } from "../../stacks/plan/diff";
import type { PrReport } from "../../stacks/pr/run";

const MEANING: Record<string, string> = {
  online: "online: no downtime",
  "leave-failover-group": "leaves its failover group for the change: no geo-failover meanwhile",
  "one-way": "one-way: cannot be reversed in place",
  replacement: "replacement: the resource is recreated",
  create: "new resource",
  delete: "deleted",
};

const cell = (s: string) => s.replace(/\|/g, "\\|").replace(/\n/g, " ");

function meaning(c: ResourceChange): string {
  return `${MEANING[c.classification] ?? c.classification}${c.dataLoss ? " — **DATA LOSS**" : ""}`;
}

export function prMarkdown(r: PrReport): string {
  const lines: string[] = [`## sqlfleet PR check against \`${r.base}\` (${r.baseCommit.slice(0, 12)})`, ""];
  const verdict = r.exitCode === 0 ? "✅ clean" : r.exitCode === 1 ? "❌ blocking: mandatory violations or unacknowledged data loss" : "❌ invalid configuration";
  lines.push(`**Result:** ${verdict} — ${r.stacks.length} affected stack(s), ${r.changedFiles.length} changed file(s).`, "");
  for (const s of r.stacks) {
    lines.push(`### ${s.stack}`, "", `_Affected by \`${s.because}\`._`, "");
    if (s.error) {
      lines.push("Invalid configuration:", "", "```", s.error, "```", "");
      continue;
    }
    if (s.changes.length === 0) lines.push("No resource changes.", "");
    else {
      lines.push("| change | resource | type | what it means | steps |", "|---|---|---|---|---|");
      for (const c of s.changes) lines.push(`| ${c.classification} | ${cell(c.name)} | \`${c.type}\` | ${cell(meaning(c))}: ${cell(c.reasons.join("; "))} | ${cell(c.steps.map((x, i) => `${i + 1}. ${x}`).join(" "))} |`);
      lines.push("");
    }
    for (const c of s.unacknowledged) lines.push(`- ❌ unacknowledged data loss: **${c.name}** — acknowledge with \`--acknowledge-data-loss ${s.stack}:${c.name}\``);
    if (s.diagnostics.length > 0) {
      lines.push("", "| level | policy | resource | message |", "|---|---|---|---|");
      for (const d of s.diagnostics) lines.push(`| ${d.enforcementLevel} | \`${d.policyId}\` | ${cell(d.urn.split("::").pop() ?? d.urn)} | ${cell(d.message.split("\n")[0])} |`);
    } else lines.push("", "No policy violations.");
    lines.push("");
  }
  return `${lines.join("\n")}\n`;
}
