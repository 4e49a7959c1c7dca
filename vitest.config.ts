import { defineConfig } from "vitest/config";

// Forked, isolated workers: each test file gets fresh Pulumi runtime globals (research/pulumi.md §2.5).
// One PostgreSQL server for the whole run is started by test/support/global-setup.ts; files create their own databases.
export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    pool: "forks",
    isolate: true,
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 120_000,
    globalSetup: ["test/support/global-setup.ts"],
    reporters: ["default", "./test/support/summary-reporter.ts"],
  },
});
