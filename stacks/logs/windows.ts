// The time range of an export cut into half-open windows [start, end) that cover it exactly: each window is one
// query, so no query has to return more rows than the Log Analytics query API allows, and no event is read twice.

export interface TimeWindow {
  start: Date;
  end: Date;
}

/** Consecutive windows of at most `windowMs` from `from` to `to` (the last one may be shorter). */
export function splitRange(from: Date, to: Date, windowMs: number): TimeWindow[] {
  if (!(windowMs >= 1) || !Number.isFinite(windowMs)) throw new RangeError(`window must be at least 1 ms, got ${windowMs}`);
  const out: TimeWindow[] = [];
  for (let t = from.getTime(); t < to.getTime(); t += windowMs) out.push({ start: new Date(t), end: new Date(Math.min(t + windowMs, to.getTime())) });
  return out;
}

/** Two halves of a window, meeting at a whole millisecond; undefined when it cannot be split further. */
export function bisect(w: TimeWindow): [TimeWindow, TimeWindow] | undefined {
  const a = w.start.getTime();
  const b = w.end.getTime();
  if (b - a < 2) return undefined;
  const mid = new Date(a + Math.floor((b - a) / 2));
  return [
    { start: w.start, end: mid },
    { start: mid, end: w.end },
  ];
}
