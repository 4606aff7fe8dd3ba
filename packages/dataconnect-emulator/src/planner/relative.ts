// `Timestamp_Relative` / `Date_Relative` inputs (`{now: true, sub: {days: 7}, truncateTo: DAY}`) → SQL.
import type { PlanContext } from "./context.ts";

type Duration = Partial<
  Record<"milliseconds" | "seconds" | "minutes" | "hours" | "days" | "weeks" | "months" | "years", number>
>;

/** An interval literal for a duration input: `'1 years 2 days 3 milliseconds'`. */
export function intervalText(d: Duration | undefined): string {
  if (!d) return "0 seconds";
  const parts = Object.entries(d)
    .filter(([, n]) => n)
    .map(([unit, n]) => `${n} ${unit}`);
  return parts.length ? parts.join(" ") : "0 seconds";
}

/** SQL for a relative timestamp, anchored at the request time so that a request sees one `now`. */
export function relativeTimestampSql(ctx: PlanContext, input: Record<string, unknown>): string {
  const base =
    input.at !== undefined && input.at !== null
      ? ctx.params.bind(input.at, "timestamptz")
      : ctx.params.bind(ctx.cel.requestTime.toISOString(), "timestamptz");
  let sql = `(${base} + ${ctx.params.bind(intervalText(input.add as Duration), "interval")} - ${ctx.params.bind(intervalText(input.sub as Duration), "interval")})`;
  if (input.truncateTo) sql = `date_trunc('${String(input.truncateTo).toLowerCase()}', ${sql})`;
  return sql;
}

/** SQL for a relative date (`{today: true, add: {days: 3}}`), in UTC. */
export function relativeDateSql(ctx: PlanContext, input: Record<string, unknown>): string {
  const base =
    input.on !== undefined && input.on !== null
      ? ctx.params.bind(input.on, "date")
      : `(${ctx.params.bind(ctx.cel.requestTime.toISOString(), "timestamptz")} AT TIME ZONE 'UTC')::date`;
  let sql = `(${base} + ${ctx.params.bind(intervalText(input.add as Duration), "interval")} - ${ctx.params.bind(intervalText(input.sub as Duration), "interval")})`;
  if (input.truncateTo) sql = `date_trunc('${String(input.truncateTo).toLowerCase()}', ${sql})`;
  return `(${sql})::date`;
}
