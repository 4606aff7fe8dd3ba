// `orderBy: [T_Order!]` → ORDER BY terms (spec §3.5); NULL placement is Postgres's default.
import type { Table } from "../schema/model.ts";
import { quoteIdent } from "../schema/model.ts";
import { aggregateSql } from "./aggregate.ts";
import type { PlanContext } from "./context.ts";
import { and } from "./filter.ts";

/** One ORDER BY term: an expression and its direction. */
export interface OrderTerm {
  sql: string;
  direction: "ASC" | "DESC";
}

/** The ORDER BY terms for `orderBy` on rows of `table` aliased `alias`, in priority order. */
export function orderTerms(ctx: PlanContext, table: Table, alias: string, orderBy: unknown): OrderTerm[] {
  if (!orderBy) return [];
  const list = Array.isArray(orderBy) ? orderBy : [orderBy];
  return list.flatMap((entry) => entryTerms(ctx, table, alias, entry as Record<string, unknown>));
}

function entryTerms(
  ctx: PlanContext,
  table: Table,
  alias: string,
  entry: Record<string, unknown>,
): OrderTerm[] {
  const out: OrderTerm[] = [];
  for (const [key, value] of Object.entries(entry)) {
    if (value === null || value === undefined) continue;
    const field = ctx.catalog.field(table, key);
    if (field?.kind === "column") {
      out.push({ sql: `${alias}.${quoteIdent(field.column.column)}`, direction: value as "ASC" | "DESC" });
    } else if (field?.kind === "aggregate") {
      out.push({ sql: aggregateSql(alias, field, false).sql, direction: value as "ASC" | "DESC" });
    } else if (field?.kind === "relation") {
      // Order by a many-to-one relation's field: a scalar subquery per ordering key.
      const b = ctx.alias();
      const link = field.relation.columns.map(
        (c, i) => `${b}.${quoteIdent(field.relation.references[i]!)} = ${alias}.${quoteIdent(c)}`,
      );
      for (const term of entryTerms(ctx, field.target, b, value as Record<string, unknown>)) {
        out.push({
          sql: `(SELECT ${term.sql} FROM ${ctx.catalog.from(field.target)} ${b} WHERE ${and(link)})`,
          direction: term.direction,
        });
      }
    } else {
      throw new Error(`${table.typeName}_Order has no field ${key}`);
    }
  }
  return out;
}
