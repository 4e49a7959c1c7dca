// Retry with exponential backoff and full jitter for lock timeouts and transient errors (pgroll: 1 s → 60 s;
// gh-ost: 60 retries, 64 s cap). Non-retryable errors pass through at once.

export interface RetryOptions {
  isRetryable: (e: unknown) => boolean;
  maxAttempts?: number;
  baseMs?: number;
  maxMs?: number;
  onRetry?: (attempt: number, sleepMs: number, error: unknown) => void;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

export function backoffMs(attempt: number, baseMs: number, maxMs: number, random: () => number = Math.random): number {
  const cap = Math.min(maxMs, baseMs * 2 ** (attempt - 1));
  return Math.round(cap / 2 + random() * (cap / 2));
}

export async function withRetry<T>(fn: (attempt: number) => Promise<T>, o: RetryOptions): Promise<T> {
  const max = o.maxAttempts ?? 10;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (e) {
      if (attempt >= max || !o.isRetryable(e)) throw e;
      const ms = backoffMs(attempt, o.baseMs ?? 250, o.maxMs ?? 30_000);
      o.onRetry?.(attempt, ms, e);
      await sleep(ms);
    }
  }
}
