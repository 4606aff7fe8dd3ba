// Times as people read them: "5m", "3h", "Mar 4", with the full date on hover and for screen readers.

const short = new Intl.DateTimeFormat(undefined, { month: "short", day: "numeric" });
const long = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });

/** How long ago `iso` was, compactly ("now", "5m", "3h", "2d", or a date). */
export function relativeTime(iso: string, now = Date.now()): string {
  const seconds = Math.max(0, (now - Date.parse(iso)) / 1000);
  if (seconds < 45) return "now";
  if (seconds < 3600) return `${Math.round(seconds / 60)}m`;
  if (seconds < 86_400) return `${Math.round(seconds / 3600)}h`;
  if (seconds < 7 * 86_400) return `${Math.round(seconds / 86_400)}d`;
  return short.format(new Date(iso));
}

/** A `<time>` element showing a relative time. */
export function RelativeTime({ iso }: { iso: string }) {
  return (
    <time dateTime={iso} title={long.format(new Date(iso))}>
      {relativeTime(iso)}
    </time>
  );
}
