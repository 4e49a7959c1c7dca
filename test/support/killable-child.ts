// A TypeScript child process for crash tests: bundled once with esbuild (tsx's own transpiler) so each run starts
// in ~0.2 s, run with its stdout read line by line, and SIGKILLed the first time `killWhen` says so.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";

export interface ChildRun {
  killed: boolean;
  lines: string[];
  code: number | null;
  stderr: string;
}

export class KillableChild {
  private readonly dir: string;
  private readonly script: string;

  constructor(private readonly source: string, private readonly cwd: string) {
    this.dir = mkdtempSync(path.join(os.tmpdir(), "sqlfleet-child-"));
    this.script = path.join(this.dir, `${path.basename(source, ".ts")}.js`);
  }

  bundle(): void {
    const esbuild: typeof import("esbuild") = require("esbuild");
    esbuild.buildSync({ entryPoints: [this.source], bundle: true, platform: "node", target: "node20", outfile: this.script, external: ["pg-native"], logLevel: "error" });
  }

  run(args: string[], killWhen: (line: string, count: number) => boolean): Promise<ChildRun> {
    return runKillable([this.script, ...args], this.cwd, killWhen);
  }

  dispose(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Runs `node <args>` with stdout read line by line; SIGKILLs it the first time `killWhen` says so. */
export function runKillable(args: string[], cwd: string, killWhen: (line: string, count: number) => boolean): Promise<ChildRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd, stdio: ["ignore", "pipe", "pipe"] });
    const lines: string[] = [];
    let killed = false;
    let buf = "";
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.stdout.on("data", (d: Buffer) => {
      buf += d.toString();
      let i;
      while ((i = buf.indexOf("\n")) >= 0) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 1);
        lines.push(line);
        if (!killed && killWhen(line, lines.length)) {
          killed = true;
          child.kill("SIGKILL");
        }
      }
    });
    child.on("error", reject);
    child.on("exit", (code) => resolve({ killed, lines, code, stderr }));
  });
}

/**
 * `node` arguments running the `sqlfleet` command (cli/main.ts through tsx's loader) in ONE process: the `tsx`
 * binary would relay to a grandchild, which a SIGKILL of the child would leave running.
 */
export function sqlfleetArgs(root: string, args: string[]): string[] {
  return ["--import", "tsx", path.join(root, "cli", "main.ts"), ...args];
}
