// Starts one real PostgreSQL server for the whole test run; each test file creates its own database on it
// (test/support/postgres.ts). Stopped by its pid when the run ends.
import type { TestProject } from "vitest/node";
import { startEmbeddedPostgres, type EmbeddedPostgresHandle } from "../../schema/embedded-pg";

let server: EmbeddedPostgresHandle | undefined;

export async function setup(project: TestProject): Promise<void> {
  server = await startEmbeddedPostgres();
  project.provide("pgAdminUrl", server.url);
  project.provide("pgPid", server.pid);
}

export async function teardown(): Promise<void> {
  await server?.stop();
}

declare module "vitest" {
  export interface ProvidedContext {
    pgAdminUrl: string;
    pgPid: number;
  }
}
