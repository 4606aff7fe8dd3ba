import type { Position } from "./ast.ts";

/** A token of the rules language. */
export interface Token extends Position {
  readonly type: "ident" | "int" | "float" | "string" | "bytes" | "punct" | "eof";
  /** Identifier name, punctuation text, or the decoded literal. */
  readonly value: string | bigint | number | Uint8Array;
  readonly start: number;
  readonly end: number;
}

/** A syntax error at a position; the compiler reports it as `file:line:col`. */
export class RulesSyntaxError extends Error {
  readonly line: number;
  readonly col: number;
  constructor(message: string, at: Position) {
    super(message);
    this.name = "RulesSyntaxError";
    this.line = at.line;
    this.col = at.col;
  }
}

const PUNCT = [
  "==",
  "!=",
  "<=",
  ">=",
  "&&",
  "||",
  "**",
  "$(",
  "<",
  ">",
  "=",
  "!",
  "+",
  "-",
  "*",
  "/",
  "%",
  "(",
  ")",
  "[",
  "]",
  "{",
  "}",
  ",",
  ";",
  ":",
  ".",
  "?",
];

const IDENT_START = /[A-Za-z_]/;
const IDENT_PART = /[A-Za-z0-9_]/;

/**
 * Scans rules source into tokens on demand. The parser also reads raw text through it where the
 * grammar is not token-based: match path segments and path literals.
 */
export class Lexer {
  readonly src: string;
  pos = 0;
  private readonly lineStarts: number[] = [0];

  constructor(src: string) {
    this.src = src;
    for (let i = 0; i < src.length; i++) if (src[i] === "\n") this.lineStarts.push(i + 1);
  }

  /** 1-based line and column of an offset. */
  positionOf(offset: number): Position {
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.lineStarts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, col: offset - this.lineStarts[lo]! + 1 };
  }

  /** Skips whitespace and comments. */
  skipTrivia(): void {
    const s = this.src;
    for (;;) {
      const c = s[this.pos];
      if (c === " " || c === "\t" || c === "\n" || c === "\r" || c === "\f" || c === "\uFEFF") this.pos++;
      else if (c === "/" && s[this.pos + 1] === "/") {
        while (this.pos < s.length && s[this.pos] !== "\n") this.pos++;
      } else if (c === "/" && s[this.pos + 1] === "*") {
        const end = s.indexOf("*/", this.pos + 2);
        if (end < 0) throw new RulesSyntaxError("Unterminated comment.", this.positionOf(this.pos));
        this.pos = end + 2;
      } else return;
    }
  }

  /** Scans the next token. */
  next(): Token {
    this.skipTrivia();
    const s = this.src;
    const start = this.pos;
    const at = this.positionOf(start);
    const make = (type: Token["type"], value: Token["value"]): Token => ({
      type,
      value,
      start,
      end: this.pos,
      ...at,
    });
    if (start >= s.length) return make("eof", "");
    const c = s[start]!;
    if (
      (c === "b" || c === "B" || c === "r" || c === "R") &&
      (s[start + 1] === "'" || s[start + 1] === '"')
    ) {
      this.pos++;
      const raw = c === "r" || c === "R";
      const text = this.scanString(raw);
      return c === "b" || c === "B" ? make("bytes", new TextEncoder().encode(text)) : make("string", text);
    }
    if (IDENT_START.test(c)) {
      while (this.pos < s.length && IDENT_PART.test(s[this.pos]!)) this.pos++;
      return make("ident", s.slice(start, this.pos));
    }
    if (/[0-9]/.test(c) || (c === "." && /[0-9]/.test(s[start + 1] ?? ""))) return this.scanNumber(make);
    if (c === "'" || c === '"') return make("string", this.scanString(false));
    for (const p of PUNCT) {
      if (s.startsWith(p, start)) {
        this.pos += p.length;
        return make("punct", p);
      }
    }
    throw new RulesSyntaxError(`Unexpected character '${c}'.`, at);
  }

  private scanNumber(make: (type: Token["type"], value: Token["value"]) => Token): Token {
    const s = this.src;
    const start = this.pos;
    if (s[start] === "0" && (s[start + 1] === "x" || s[start + 1] === "X")) {
      this.pos += 2;
      while (/[0-9a-fA-F]/.test(s[this.pos] ?? "")) this.pos++;
      return make("int", BigInt(s.slice(start, this.pos)));
    }
    let isFloat = false;
    while (/[0-9]/.test(s[this.pos] ?? "")) this.pos++;
    if (s[this.pos] === "." && /[0-9]/.test(s[this.pos + 1] ?? "")) {
      isFloat = true;
      this.pos++;
      while (/[0-9]/.test(s[this.pos] ?? "")) this.pos++;
    }
    if ((s[this.pos] === "e" || s[this.pos] === "E") && /[-+0-9]/.test(s[this.pos + 1] ?? "")) {
      isFloat = true;
      this.pos += 2;
      while (/[0-9]/.test(s[this.pos] ?? "")) this.pos++;
    }
    const text = s.slice(start, this.pos);
    if (isFloat) return make("float", Number(text));
    const value = BigInt(text);
    if (value > 9223372036854775808n) {
      throw new RulesSyntaxError(`Integer literal ${text} is out of range.`, this.positionOf(start));
    }
    return make("int", value);
  }

  /** Scans a quoted string starting at the quote; escapes as in CEL unless raw. */
  private scanString(raw: boolean): string {
    const s = this.src;
    const quote = s[this.pos]!;
    const startAt = this.positionOf(this.pos);
    this.pos++;
    let out = "";
    for (;;) {
      if (this.pos >= s.length || s[this.pos] === "\n") {
        throw new RulesSyntaxError("Unterminated string literal.", startAt);
      }
      const ch = s[this.pos]!;
      if (ch === quote) {
        this.pos++;
        return out;
      }
      if (ch === "\\" && !raw) {
        const e = s[this.pos + 1];
        this.pos += 2;
        switch (e) {
          case "n":
            out += "\n";
            break;
          case "t":
            out += "\t";
            break;
          case "r":
            out += "\r";
            break;
          case "\\":
          case "'":
          case '"':
          case "/":
          case ".":
            out += e === "." ? "\\." : e;
            break;
          case "u": {
            const hex = s.slice(this.pos, this.pos + 4);
            if (!/^[0-9a-fA-F]{4}$/.test(hex)) throw new RulesSyntaxError("Invalid \\u escape.", startAt);
            out += String.fromCharCode(Number.parseInt(hex, 16));
            this.pos += 4;
            break;
          }
          default:
            // Unknown escapes are kept as written: regular expressions use them (`\d`, `\w`, `\s`).
            out += `\\${e ?? ""}`;
        }
        continue;
      }
      out += ch;
      this.pos++;
    }
  }
}
