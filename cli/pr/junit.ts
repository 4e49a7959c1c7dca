// JUnit XML: one test case per affected stack × policy (failed on a mandatory violation), plus one per stack for
// data-losing changes and one for configuration validity.
import { listPolicies } from "../../policies/build";
import type { PrReport } from "../../stacks/pr/run";

const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

export function prJunit(r: PrReport): string {
  const policies = listPolicies();
  const suites: string[] = [];
  let total = 0;
  let failedAll = 0;
  for (const s of r.stacks) {
    const cases: string[] = [];
    let failures = 0;
    const add = (name: string, failure?: string) => {
      if (failure !== undefined) failures++;
      cases.push(failure === undefined ? `    <testcase classname="${esc(s.stack)}" name="${esc(name)}"/>` : `    <testcase classname="${esc(s.stack)}" name="${esc(name)}">\n      <failure message="${esc(failure.split("\n")[0])}" type="${esc(name)}">${esc(failure)}</failure>\n    </testcase>`);
    };
    add("configuration", s.error);
    for (const p of policies) {
      const hits = s.diagnostics.filter((d) => d.policyId === p.id && d.enforcementLevel === "mandatory");
      add(p.id, hits.length > 0 ? hits.map((d) => `${d.urn}: ${d.message}`).join("\n") : undefined);
    }
    add("data-loss acknowledged", s.unacknowledged.length > 0 ? s.unacknowledged.map((c) => `${c.name} ${c.classification}: ${c.reasons.join("; ")}`).join("\n") : undefined);
    total += cases.length;
    failedAll += failures;
    suites.push(`  <testsuite name="${esc(s.stack)}" tests="${cases.length}" failures="${failures}" errors="0" skipped="0">\n${cases.join("\n")}\n  </testsuite>`);
  }
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="sqlfleet pr" tests="${total}" failures="${failedAll}">\n${suites.join("\n")}\n</testsuites>\n`;
}
