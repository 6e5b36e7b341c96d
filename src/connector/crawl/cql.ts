/** CQL string literal: `"…"` with backslashes and quotes escaped. */
export function cqlString(value: string): string {
  return `"${value.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
}

/**
 * `yyyy/MM/dd HH:mm` floored to the minute (CQL has no seconds), in the time zone Confluence
 * reads CQL dates in: the calling user's (UTC when unknown or not a valid IANA zone).
 */
export function cqlDate(ms: number, timeZone?: string | null): string {
  const d = new Date(Math.max(0, ms));
  let zone = "UTC";
  if (timeZone) {
    try {
      new Intl.DateTimeFormat("en-US", { timeZone });
      zone = timeZone;
    } catch {
      zone = "UTC";
    }
  }
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat("en-US", {
      timeZone: zone,
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      hourCycle: "h23",
    })
      .formatToParts(d)
      .map((p) => [p.type, p.value]),
  );
  return `${parts.year}/${parts.month}/${parts.day} ${parts.hour}:${parts.minute}`;
}
