// The planned window a notice announces. Precedence: the `--window` flag (an ISO-8601 interval, `<start>/<end>` or
// `<start>/<duration>`), else the environment's `sqlfleet:noticeWindow` (a weekly slot), else Saturday 22:00 UTC for
// 4 hours — the next such slot after "now" in the last two cases.
import { InputError } from "../config/errors";
import type { NoticeWindow } from "./types";

export const WEEKDAYS = ["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"] as const;
export type Weekday = (typeof WEEKDAYS)[number];

export interface WeeklySlot {
  weekday: Weekday;
  /** "HH:MM", UTC. */
  startUtc: string;
  hours: number;
}

export const DEFAULT_SLOT: WeeklySlot = { weekday: "saturday", startUtc: "22:00", hours: 4 };
const MAX_HOURS = 7 * 24;
const HOUR = 3_600_000;

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;
const DURATION = /^PT(?:(\d+)H)?(?:(\d+)M)?$/;

function instant(text: string, flag: string): Date {
  const d = new Date(text);
  if (!ISO_INSTANT.test(text) || Number.isNaN(d.getTime())) throw new InputError(flag, `"${text}" is not an ISO-8601 date-time with a zone, e.g. 2026-12-12T22:00Z`);
  return d;
}

/** `--window 2026-12-12T22:00Z/PT4H` or `--window 2026-12-12T22:00Z/2026-12-13T02:00Z`. */
export function parseWindowFlag(text: string, flag = "--window"): NoticeWindow {
  const parts = text.split("/");
  if (parts.length !== 2) throw new InputError(flag, `"${text}": expected <start>/<end> or <start>/<duration> (ISO-8601), e.g. 2026-12-12T22:00Z/PT4H`);
  const start = instant(parts[0], flag);
  const dur = DURATION.exec(parts[1]);
  let end: Date;
  if (dur && (dur[1] || dur[2])) end = new Date(start.getTime() + (Number(dur[1] ?? 0) * 60 + Number(dur[2] ?? 0)) * 60_000);
  else if (parts[1].startsWith("P")) throw new InputError(flag, `"${parts[1]}": a duration in hours and minutes, e.g. PT4H or PT1H30M`);
  else end = instant(parts[1], flag);
  const hours = (end.getTime() - start.getTime()) / HOUR;
  if (!(hours > 0 && hours <= MAX_HOURS)) throw new InputError(flag, `"${text}": the window must end after it starts and last at most ${MAX_HOURS} hours (it lasts ${hours} h)`);
  return { start: start.toISOString(), end: end.toISOString(), from: "flag" };
}

/** The next occurrence of a weekly slot that starts at or after `now`. */
export function nextSlot(slot: WeeklySlot, now: Date, from: NoticeWindow["from"]): NoticeWindow {
  const [h, m] = slot.startUtc.split(":").map(Number);
  const start = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate(), h, m));
  const ahead = (WEEKDAYS.indexOf(slot.weekday) - start.getUTCDay() + 7) % 7;
  start.setUTCDate(start.getUTCDate() + ahead);
  if (start.getTime() < now.getTime()) start.setUTCDate(start.getUTCDate() + 7);
  return { start: start.toISOString(), end: new Date(start.getTime() + slot.hours * HOUR).toISOString(), from };
}

/** The window for a command: the flag when given, else the environment's slot, else the default slot. */
export function resolveWindow(flag: string | undefined, slot: WeeklySlot | undefined, now: Date): NoticeWindow {
  if (flag !== undefined) return parseWindowFlag(flag);
  return slot ? nextSlot(slot, now, "config") : nextSlot(DEFAULT_SLOT, now, "default");
}
