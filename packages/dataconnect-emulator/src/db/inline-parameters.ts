// Statements for servers that mishandle the extended protocol. firebase-tools' PGlite gateway (pg-gateway)
// hands every protocol message to PGlite on its own and answers "Message code not yet implemented" (plus a
// ReadyForQuery) for each one PGlite produces no output for — which after a failed Parse or Bind is every
// message up to Sync. The client then reads stray errors and ReadyForQuery messages that belong to no
// query, and the next queries on the connection get wrong answers. A simple-protocol Query is one message
// with one complete answer, so on such a server statements are sent that way, their parameters written
// into the text as escape-string literals. A literal is of unknown type until Postgres resolves it from
// its context, just as an unbound parameter is, so the statement means the same thing.

/** An error raised before the statement reached Postgres, with the SQLSTATE Postgres would have given. */
export class StatementError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.name = "StatementError";
    this.code = code;
  }
}

/** Writes `params` into `sql` in place of its `$n` placeholders; refuses SQL holding more than one statement. */
export function inlineParameters(sql: string, params: readonly unknown[]): string {
  let out = "";
  let i = 0;
  const n = sql.length;
  while (i < n) {
    const c = sql[i]!;
    const next = sql[i + 1];
    if (c === "'") {
      const end = quotedEnd(sql, i, isEscapeStringStart(sql, i));
      out += sql.slice(i, end);
      i = end;
    } else if (c === '"') {
      const end = quotedEnd(sql, i, false, '"');
      out += sql.slice(i, end);
      i = end;
    } else if (c === "-" && next === "-") {
      const end = sql.indexOf("\n", i);
      const stop = end < 0 ? n : end;
      out += sql.slice(i, stop);
      i = stop;
    } else if (c === "/" && next === "*") {
      const end = blockCommentEnd(sql, i);
      out += sql.slice(i, end);
      i = end;
    } else if (c === "$" && !isIdentifierChar(sql[i - 1])) {
      const placeholder = /^\$(\d+)/.exec(sql.slice(i, i + 12));
      if (placeholder) {
        const index = Number(placeholder[1]);
        if (index < 1 || index > params.length) {
          throw new StatementError("42P02", `there is no parameter $${index}`);
        }
        out += literal(params[index - 1]);
        i += placeholder[0].length;
        continue;
      }
      const tag = /^\$([A-Za-z_\u0080-\uffff][A-Za-z0-9_\u0080-\uffff]*)?\$/.exec(sql.slice(i));
      if (tag) {
        const close = sql.indexOf(tag[0], i + tag[0].length);
        if (close < 0) throw new StatementError("42601", "unterminated dollar-quoted string");
        const end = close + tag[0].length;
        out += sql.slice(i, end);
        i = end;
        continue;
      }
      out += c;
      i++;
    } else if (c === ";") {
      if (sql.slice(i + 1).replace(/--[^\n]*|\/\*[\s\S]*?\*\/|\s+/g, "") !== "") {
        throw new StatementError("42601", "cannot insert multiple commands into a prepared statement");
      }
      out += c;
      i++;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

/** `value` as a SQL literal of unknown type (`NULL` for null), safe whatever `standard_conforming_strings` says. */
export function literal(value: unknown): string {
  if (value === null || value === undefined) return "NULL";
  let text: string;
  if (typeof value === "string") text = value;
  else if (typeof value === "number" || typeof value === "bigint" || typeof value === "boolean")
    text = String(value);
  else if (value instanceof Date) text = value.toISOString();
  else throw new StatementError("22023", `cannot send a ${typeof value} as a statement parameter`);
  if (text.includes("\0"))
    throw new StatementError("22021", 'invalid byte sequence for encoding "UTF8": 0x00');
  return `E'${text.replaceAll("\\", "\\\\").replaceAll("'", "''")}'`;
}

function isIdentifierChar(c: string | undefined): boolean {
  return c !== undefined && /[A-Za-z0-9_$\u0080-\uffff]/.test(c);
}

/** Whether the quote at `at` opens an escape string (`E'…'`: backslashes escape). */
function isEscapeStringStart(sql: string, at: number): boolean {
  const prefix = sql[at - 1];
  return (prefix === "E" || prefix === "e") && !isIdentifierChar(sql[at - 2]);
}

/** The index just past the string or quoted identifier that starts at `at`. */
function quotedEnd(sql: string, at: number, backslashEscapes: boolean, quote = "'"): number {
  let i = at + 1;
  while (i < sql.length) {
    const c = sql[i];
    if (backslashEscapes && c === "\\") {
      i += 2;
    } else if (c === quote) {
      if (sql[i + 1] === quote) i += 2;
      else return i + 1;
    } else {
      i++;
    }
  }
  throw new StatementError(
    "42601",
    quote === "'" ? "unterminated quoted string" : "unterminated quoted identifier",
  );
}

/** The index just past the (possibly nested) block comment that starts at `at`. */
function blockCommentEnd(sql: string, at: number): number {
  let depth = 0;
  let i = at;
  while (i < sql.length) {
    if (sql[i] === "/" && sql[i + 1] === "*") {
      depth++;
      i += 2;
    } else if (sql[i] === "*" && sql[i + 1] === "/") {
      depth--;
      i += 2;
      if (depth === 0) return i;
    } else {
      i++;
    }
  }
  throw new StatementError("42601", "unterminated /* comment");
}
