// The Markdown form of a notice: what a person reads (the JSON form carries the same facts for a mail/ticket system).
import type { Notice } from "./types";

const FROM = { flag: "set with --window", config: "the environment's sqlfleet:noticeWindow", default: "the default weekly slot, Saturday 22:00 UTC for 4 hours" } as const;
const utc = (iso: string) => `${iso.slice(0, 16).replace("T", " ")} UTC`;

export function noticeMarkdown(n: Notice): string {
  const lines: string[] = [
    `# ${n.subject}`,
    "",
    `Dear ${n.customer.displayName} team,`,
    "",
    `we plan ${n.changes.length === 1 ? "a change" : `${n.changes.length} changes`} to the databases of your workspace (\`${n.customer.stack}\`).`,
    "",
    `- **Planned window:** ${utc(n.window.start)} – ${utc(n.window.end)} (${FROM[n.window.from]})`,
    `- **Most severe disruption:** ${n.severity}`,
    `- **Notice:** \`${n.id}\`, generated ${n.generatedAt} by \`sqlfleet ${n.source.command}\` for environment ${n.source.environment}`,
    "",
  ];
  for (const c of n.changes) {
    lines.push(`## ${c.database ?? c.resource}: ${c.what}`, "", `**What to expect** (${c.disruption.kind}${c.disruption.dataLoss ? ", data loss unless migrated" : ""})`, "");
    for (const s of c.disruption.summary) lines.push(`- ${s}`);
    if (c.warnings.length > 0) {
      lines.push("", "**Warnings**", "");
      for (const w of c.warnings) lines.push(`- ${w}`);
    }
    if (c.reasons.length > 0) {
      lines.push("", "**Why**", "");
      for (const r of c.reasons) lines.push(`- ${r}`);
    }
    if (c.steps.length > 0) {
      lines.push("", "**Steps**", "");
      c.steps.forEach((s, i) => lines.push(`${i + 1}. ${s}`));
    }
    lines.push("");
  }
  return `${lines.join("\n").trimEnd()}\n`;
}
