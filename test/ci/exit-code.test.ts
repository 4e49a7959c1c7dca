// `npm test` and .ci/run must exit non-zero whenever a test fails (issue 16: the embedded PostgreSQL's
// exit hook once turned every red run into exit 0). Each case runs a real child vitest with the
// project's global setup, so the embedded server is started and stopped exactly as in CI.
import { spawnSync } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";

const root = path.resolve(__dirname, "../..");
const vitest = path.join(root, "node_modules", "vitest", "vitest.mjs");

function runCheck(check: string): { status: number | null; output: string } {
  const r = spawnSync(process.execPath, [vitest, "run", "--config", "test/fixtures/known-failing/vitest.config.ts"], {
    cwd: root,
    env: { ...process.env, CI: "true", SQLFLEET_CHECK: check },
    encoding: "utf8",
    timeout: 120_000,
  });
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

describe("the test command's exit code", () => {
  it.each([
    ["fails", 1, /1 failed/],
    ["load-error", 1, /fails to load on purpose/],
    ["passes", 0, /1 passed/],
  ])("a run of %s.check.ts exits %i", (check, expected, shown) => {
    const { status, output } = runCheck(check);
    expect(output).toMatch(shown);
    expect(status).toBe(expected);
  });
});
