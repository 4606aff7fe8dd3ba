// `@searchable` full-text search (spec §3.1): `<plural>_search(query, queryFormat, relevanceThreshold, …)`
// over Postgres text search, most relevant first, relevance in `_metadata.relevance`.
import type { Table } from "../schema/model.ts";
import { quoteIdent } from "../schema/model.ts";
import type { PlanContext } from "./context.ts";
import { and } from "./filter.ts";

/** A planned search: the condition and relevance of a row aliased `alias`, and the columns they read. */
export interface Search {
  condition(alias: string): string;
  relevance(alias: string): string;
  columns: string[];
}

const PARSERS: Record<string, string> = {
  QUERY: "websearch_to_tsquery",
  PLAIN: "plainto_tsquery",
  PHRASE: "phraseto_tsquery",
  ADVANCED: "to_tsquery",
};

/**
 * The search `args` ask for over `table`'s `@searchable` columns. Each column is indexed in its own
 * language; the query is parsed in the first column's language. No query matches every row.
 */
export function planSearch(ctx: PlanContext, table: Table, args: Record<string, unknown>): Search {
  const columns = table.columns.filter((c) => c.searchLanguage);
  const language = columns[0]?.searchLanguage ?? "english";
  const regconfig = (lang: string) => `${ctx.params.bind(lang, "text")}::regconfig`;
  const vector = (alias: string) =>
    columns
      .map(
        (c) => `to_tsvector(${regconfig(c.searchLanguage!)}, coalesce(${alias}.${quoteIdent(c.column)}, ''))`,
      )
      .join(" || ");
  const text = args.query as string | null | undefined;
  if (text === null || text === undefined || text.trim() === "") {
    return { condition: () => "TRUE", relevance: () => "NULL::real", columns: columns.map((c) => c.column) };
  }
  const parser = PARSERS[String(args.queryFormat ?? "QUERY")] ?? PARSERS.QUERY!;
  const query = `${parser}(${regconfig(language)}, ${ctx.params.bind(text, "text")})`;
  const threshold = args.relevanceThreshold;
  const relevance = (alias: string) => `ts_rank(${vector(alias)}, ${query})`;
  return {
    condition: (alias) =>
      and([
        `(${vector(alias)}) @@ ${query}`,
        ...(threshold !== null && threshold !== undefined
          ? [`${relevance(alias)} >= ${ctx.params.bind(threshold, "real")}`]
          : []),
      ]),
    relevance,
    columns: columns.map((c) => c.column),
  };
}
