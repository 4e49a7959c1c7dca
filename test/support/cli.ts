// Runs a `sqlfleet` command group in-process with --json output captured (stdout parsed, stderr silenced).
import { Command } from "commander";
import { vi } from "vitest";

export async function runJsonCommand<T = Record<string, unknown>>(
  register: (program: Command) => void,
  args: string[],
): Promise<{ out: T; exitCode: number | undefined }> {
  const program = new Command("sqlfleet").exitOverride();
  register(program);
  const chunks: string[] = [];
  const spy = vi.spyOn(process.stdout, "write").mockImplementation((c: string | Uint8Array) => (chunks.push(String(c)), true));
  const errSpy = vi.spyOn(console, "error").mockImplementation(() => undefined);
  process.exitCode = undefined;
  try {
    await program.parseAsync(["node", "sqlfleet", ...args]);
  } finally {
    spy.mockRestore();
    errSpy.mockRestore();
  }
  const exitCode = typeof process.exitCode === "number" ? process.exitCode : undefined;
  process.exitCode = undefined;
  return { out: JSON.parse(chunks.join("")) as T, exitCode };
}
