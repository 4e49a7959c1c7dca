// Runs the sqlfleet CLI in-process (the same commander program the bin runs) and captures what it prints.
import { vi } from "vitest";
import { buildProgram } from "../../cli/main";
import { defaultDeps, type CliDeps } from "../../cli/deps";

export interface CliRun {
  code: number;
  out: string;
  err: string;
}

export function runCli(...args: string[]): Promise<CliRun> {
  return runCliWith(defaultDeps, ...args);
}

/** As runCli, with the commands' dependencies replaced (e.g. a Fleet that counts file reads). */
export async function runCliWith(deps: CliDeps, ...args: string[]): Promise<CliRun> {
  const out: string[] = [];
  const err: string[] = [];
  const log = vi.spyOn(console, "log").mockImplementation((...a: unknown[]) => void out.push(a.map(String).join(" ")));
  const error = vi.spyOn(console, "error").mockImplementation((...a: unknown[]) => void err.push(a.map(String).join(" ")));
  const write = vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => {
    out.push(String(chunk));
    return true;
  });
  process.exitCode = 0;
  try {
    await buildProgram(deps).exitOverride().parseAsync(["node", "sqlfleet", ...args]);
  } finally {
    log.mockRestore();
    error.mockRestore();
    write.mockRestore();
  }
  const code = Number(process.exitCode ?? 0);
  process.exitCode = 0;
  return { code, out: out.join("\n"), err: err.join("\n") };
}
