// Times travel as ISO-8601 with offset; people read them in their own zone. These helpers keep the
// conversion in one place so every screen shows the same format.

function pad(n: number, width = 2): string {
  return String(Math.trunc(Math.abs(n))).padStart(width, "0");
}

/** ISO-8601 with the viewer's local offset, e.g. 2026-11-22T10:30:00+01:00 (what the API stores as given). */
export function toIsoWithOffset(d: Date): string {
  const offsetMin = -d.getTimezoneOffset();
  const sign = offsetMin >= 0 ? "+" : "-";
  return (
    `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}` +
    `T${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}` +
    `${sign}${pad(offsetMin / 60)}:${pad(offsetMin % 60)}`
  );
}

/**
 * A `<input type="datetime-local">` value ("2026-11-22T10:30" or with seconds) read in the viewer's
 * zone. Parsed by hand because Date's parsing of offset-less strings has varied across engines.
 */
export function parseDateTimeLocal(value: string): Date | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?$/.exec(value.trim());
  if (!m) return null;
  const [, y, mo, d, h, mi, s] = m;
  const date = new Date(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s ?? "0"));
  // Reject roll-overs such as 2026-02-31 that Date silently normalises.
  if (date.getMonth() !== Number(mo) - 1 || date.getDate() !== Number(d)) return null;
  return date;
}

/** The value a datetime-local input needs to show `d` in the viewer's zone (minute precision). */
export function toDateTimeLocal(d: Date): string {
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** The viewer's zone as people say it ("CET", "GMT+8"), for headers that stand in for per-cell zones. */
export function viewerZone(at: Date = new Date()): string {
  return zoneName(at);
}

function zoneName(d: Date): string {
  const part = new Intl.DateTimeFormat("en-GB", { timeZoneName: "short" })
    .formatToParts(d)
    .find((p) => p.type === "timeZoneName");
  return part?.value ?? "";
}

/** "2026-11-22 10:30:05 CET" in the viewer's zone: sortable, unambiguous, no locale guessing. */
export function formatLocal(iso: string, opts: { seconds?: boolean; zone?: boolean } = {}): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const secs = opts.seconds === false ? "" : `:${pad(d.getSeconds())}`;
  const base = `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}${secs}`;
  return opts.zone === false ? base : `${base} ${zoneName(d)}`;
}

/** "2026-11-22 09:30:05 UTC": shown on hover so people in different zones can agree on a moment. */
export function formatUtc(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} UTC`;
}

/** "3h 12m" between two instants, for durations like time-to-detect. */
export function formatDuration(fromIso: string, toIso: string): string | null {
  const ms = new Date(toIso).getTime() - new Date(fromIso).getTime();
  if (!Number.isFinite(ms) || ms < 0) return null;
  const mins = Math.round(ms / 60000);
  if (mins < 60) return `${mins}m`;
  const h = Math.floor(mins / 60);
  if (h < 48) return `${h}h ${mins % 60}m`;
  return `${Math.floor(h / 24)}d ${h % 24}h`;
}
