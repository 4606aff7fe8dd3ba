import type {
  AllowStatement,
  BinaryOperator,
  Expr,
  FunctionDecl,
  MatchBlock,
  Method,
  PathPart,
  PatternSegment,
  Position,
  RulesFile,
} from "./ast.ts";
import { Lexer, RulesSyntaxError, type Token } from "./lexer.ts";

/** Production's limit on `let` bindings in one function. */
export const MAX_LET_BINDINGS = 10;
/** Production's limit on function arguments. */
export const MAX_FUNCTION_ARGS = 7;

const METHODS: Record<string, readonly Method[]> = {
  read: ["get", "list"],
  write: ["create", "update", "delete"],
  get: ["get"],
  list: ["list"],
  create: ["create"],
  update: ["update"],
  delete: ["delete"],
};

const RELATIONS = new Set(["==", "!=", "<", "<=", ">", ">="]);
const PATH_SEGMENT_CHAR = /[^\s/{}()$;,]/;

/**
 * Parses a rules file (recursive descent; one token of lookahead). Throws `RulesSyntaxError` with the
 * line and column of the first problem.
 */
export function parseRules(source: string): RulesFile {
  return new Parser(source).file();
}

/** Parses one expression (for tests and tools). */
export function parseExpression(source: string): Expr {
  const p = new Parser(source);
  const e = p.expression();
  p.expectEof();
  return e;
}

class Parser {
  private readonly lexer: Lexer;
  private tok: Token;

  constructor(source: string) {
    this.lexer = new Lexer(source);
    this.tok = this.lexer.next();
  }

  private advance(): Token {
    const t = this.tok;
    this.tok = this.lexer.next();
    return t;
  }

  private is(value: string): boolean {
    return (this.tok.type === "punct" || this.tok.type === "ident") && this.tok.value === value;
  }

  private accept(value: string): boolean {
    if (!this.is(value)) return false;
    this.advance();
    return true;
  }

  private fail(message: string, at: Position = this.tok): never {
    throw new RulesSyntaxError(message, at);
  }

  private describe(t: Token): string {
    if (t.type === "eof") return "end of file";
    if (t.type === "string") return `'${String(t.value)}'`;
    return `'${this.lexer.src.slice(t.start, t.end)}'`;
  }

  private expect(value: string): Token {
    if (!this.is(value)) this.fail(`Expected '${value}' but found ${this.describe(this.tok)}.`);
    return this.advance();
  }

  private ident(what: string): Token & { value: string } {
    if (this.tok.type !== "ident") this.fail(`Expected ${what} but found ${this.describe(this.tok)}.`);
    return this.advance() as Token & { value: string };
  }

  expectEof(): void {
    if (this.tok.type !== "eof") this.fail(`Unexpected ${this.describe(this.tok)}.`);
  }

  file(): RulesFile {
    let version: "1" | "2" = "1";
    if (this.is("rules_version")) {
      this.advance();
      this.expect("=");
      const v = this.tok;
      if (v.type !== "string" || (v.value !== "1" && v.value !== "2")) {
        this.fail("rules_version must be '1' or '2'.", v);
      }
      version = v.value as "1" | "2";
      this.advance();
      this.accept(";");
    }
    this.expect("service");
    let service = this.ident("a service name").value;
    while (this.accept(".")) service += `.${this.ident("a service name").value}`;
    if (service !== "cloud.firestore") {
      this.fail(`Unsupported service '${service}'; this emulator serves cloud.firestore.`);
    }
    this.expect("{");
    const functions: FunctionDecl[] = [];
    const matches: MatchBlock[] = [];
    while (!this.is("}")) {
      if (this.is("function")) functions.push(this.functionDecl(version));
      else if (this.is("match")) matches.push(this.match(version));
      else this.fail(`Expected 'match' or 'function' but found ${this.describe(this.tok)}.`);
    }
    this.advance();
    this.expectEof();
    return { version, service, functions, matches };
  }

  private match(version: "1" | "2"): MatchBlock {
    const at = this.expect("match");
    const pattern = this.matchPattern(version);
    this.expect("{");
    const functions: FunctionDecl[] = [];
    const allows: AllowStatement[] = [];
    const matches: MatchBlock[] = [];
    while (!this.is("}")) {
      if (this.is("function")) functions.push(this.functionDecl(version));
      else if (this.is("match")) matches.push(this.match(version));
      else if (this.is("allow")) allows.push(this.allow());
      else this.fail(`Expected 'allow', 'match' or 'function' but found ${this.describe(this.tok)}.`);
    }
    this.advance();
    return { line: at.line, col: at.col, pattern, functions, allows, matches };
  }

  /** Reads `/seg/{x}/{y=**}` as raw text from the current token on. */
  private matchPattern(version: "1" | "2"): PatternSegment[] {
    const lexer = this.lexer;
    lexer.pos = this.tok.start;
    const src = lexer.src;
    const segments: PatternSegment[] = [];
    let recursive = 0;
    if (src[lexer.pos] !== "/") this.fail("A match path must start with '/'.");
    while (src[lexer.pos] === "/") {
      lexer.pos++;
      const segStart = lexer.pos;
      const at = lexer.positionOf(segStart);
      if (src[lexer.pos] === "{") {
        const close = src.indexOf("}", lexer.pos);
        if (close < 0) throw new RulesSyntaxError("Unterminated wildcard in match path.", at);
        const inner = src.slice(lexer.pos + 1, close).replace(/\s+/g, "");
        lexer.pos = close + 1;
        const m = /^([A-Za-z_][A-Za-z0-9_]*)(=\*\*)?$/.exec(inner);
        if (!m) throw new RulesSyntaxError(`Invalid wildcard '{${inner}}' in match path.`, at);
        if (m[2]) {
          recursive++;
          if (recursive > 1) throw new RulesSyntaxError("A match path may hold one recursive wildcard.", at);
          segments.push({ kind: "recursive", name: m[1]! });
        } else segments.push({ kind: "single", name: m[1]! });
      } else {
        while (lexer.pos < src.length && PATH_SEGMENT_CHAR.test(src[lexer.pos]!)) lexer.pos++;
        const text = src.slice(segStart, lexer.pos);
        if (text === "") throw new RulesSyntaxError("Empty segment in match path.", at);
        segments.push({ kind: "literal", text });
      }
    }
    // Version 1 allows a recursive wildcard only as the last segment.
    const last = segments.findIndex((s) => s.kind === "recursive");
    if (version === "1" && last >= 0 && last !== segments.length - 1) {
      this.fail("In rules_version '1' a recursive wildcard must be the last segment of a match path.");
    }
    this.tok = lexer.next();
    return segments;
  }

  private allow(): AllowStatement {
    const at = this.expect("allow");
    const methods: Method[] = [];
    do {
      const m = this.ident("a method (read, write, get, list, create, update, delete)");
      const expanded = METHODS[m.value];
      if (!expanded) this.fail(`Unknown method '${m.value}'.`, m);
      for (const x of expanded) if (!methods.includes(x)) methods.push(x);
    } while (this.accept(","));
    let condition: Expr | undefined;
    if (this.accept(":")) {
      this.expect("if");
      condition = this.expression();
    }
    this.expect(";");
    return { line: at.line, col: at.col, methods, condition };
  }

  private functionDecl(version: "1" | "2"): FunctionDecl {
    const at = this.expect("function");
    const name = this.ident("a function name").value;
    this.expect("(");
    const params: string[] = [];
    if (!this.is(")")) {
      do params.push(this.ident("a parameter name").value);
      while (this.accept(","));
    }
    if (params.length > MAX_FUNCTION_ARGS)
      this.fail(`A function takes at most ${MAX_FUNCTION_ARGS} arguments.`, at);
    this.expect(")");
    this.expect("{");
    const lets: { name: string; value: Expr }[] = [];
    while (this.is("let")) {
      const letAt = this.advance();
      if (version === "1") this.fail("'let' needs rules_version = '2'.", letAt);
      const letName = this.ident("a variable name").value;
      this.expect("=");
      lets.push({ name: letName, value: this.expression() });
      this.expect(";");
      if (lets.length > MAX_LET_BINDINGS) {
        this.fail(`A function may have at most ${MAX_LET_BINDINGS} let bindings.`, letAt);
      }
    }
    this.expect("return");
    const body = this.expression();
    this.accept(";");
    this.expect("}");
    return { line: at.line, col: at.col, name, params, lets, body };
  }

  expression(): Expr {
    const test = this.or();
    if (!this.is("?")) return test;
    this.advance();
    const then = this.expression();
    this.expect(":");
    const otherwise = this.expression();
    return { k: "ternary", line: test.line, col: test.col, test, then, else: otherwise };
  }

  private or(): Expr {
    let left = this.and();
    while (this.is("||")) {
      const op = this.advance();
      left = { k: "or", line: op.line, col: op.col, left, right: this.and() };
    }
    return left;
  }

  private and(): Expr {
    let left = this.relation();
    while (this.is("&&")) {
      const op = this.advance();
      left = { k: "and", line: op.line, col: op.col, left, right: this.relation() };
    }
    return left;
  }

  private relation(): Expr {
    let left = this.additive();
    for (;;) {
      if (this.tok.type === "punct" && RELATIONS.has(this.tok.value as string)) {
        const op = this.advance();
        left = binary(op, op.value as BinaryOperator, left, this.additive());
      } else if (this.is("in")) {
        const op = this.advance();
        left = binary(op, "in", left, this.additive());
      } else if (this.is("is")) {
        const op = this.advance();
        const type = this.ident("a type name").value;
        left = { k: "is", line: op.line, col: op.col, operand: left, type };
      } else return left;
    }
  }

  private additive(): Expr {
    let left = this.multiplicative();
    while (this.is("+") || this.is("-")) {
      const op = this.advance();
      left = binary(op, op.value as BinaryOperator, left, this.multiplicative());
    }
    return left;
  }

  private multiplicative(): Expr {
    let left = this.unary();
    while (this.is("*") || this.is("/") || this.is("%")) {
      const op = this.advance();
      left = binary(op, op.value as BinaryOperator, left, this.unary());
    }
    return left;
  }

  private unary(): Expr {
    if (this.is("!") || this.is("-")) {
      const op = this.advance();
      const operand = this.unary();
      // Fold negative numeric literals so that -9223372036854775808 is representable.
      if (
        op.value === "-" &&
        operand.k === "literal" &&
        (typeof operand.value === "number" || typeof operand.value === "bigint")
      ) {
        return { ...operand, line: op.line, col: op.col, value: -(operand.value as number) };
      }
      return { k: "unary", line: op.line, col: op.col, op: op.value as "!" | "-", operand };
    }
    return this.postfix();
  }

  private postfix(): Expr {
    let e = this.primary();
    for (;;) {
      if (this.is(".")) {
        const dot = this.advance();
        const name = this.ident("a field or method name");
        e = { k: "member", line: dot.line, col: dot.col, object: e, name: name.value };
      } else if (this.is("(")) {
        const open = this.advance();
        const args: Expr[] = [];
        if (!this.is(")")) {
          do args.push(this.expression());
          while (this.accept(","));
        }
        this.expect(")");
        e = { k: "call", line: open.line, col: open.col, callee: e, args };
      } else if (this.is("[")) {
        const open = this.advance();
        let from: Expr | undefined;
        if (!this.is(":")) from = this.expression();
        if (this.accept(":")) {
          const to = this.is("]") ? undefined : this.expression();
          this.expect("]");
          e = { k: "slice", line: open.line, col: open.col, object: e, from, to };
        } else {
          this.expect("]");
          e = { k: "index", line: open.line, col: open.col, object: e, index: from! };
        }
      } else return e;
    }
  }

  private primary(): Expr {
    const t = this.tok;
    const at = { line: t.line, col: t.col };
    switch (t.type) {
      case "int":
      case "float":
      case "string":
      case "bytes":
        this.advance();
        return { k: "literal", ...at, value: t.value };
      case "ident": {
        this.advance();
        if (t.value === "true") return { k: "literal", ...at, value: true };
        if (t.value === "false") return { k: "literal", ...at, value: false };
        if (t.value === "null") return { k: "literal", ...at, value: null };
        return { k: "ident", ...at, name: t.value as string };
      }
      case "eof":
        return this.fail("Unexpected end of file in an expression.");
      case "punct":
        break;
    }
    if (t.value === "(") {
      this.advance();
      const e = this.expression();
      this.expect(")");
      return e;
    }
    if (t.value === "[") {
      this.advance();
      const items: Expr[] = [];
      if (!this.is("]")) {
        do {
          if (this.is("]")) break; // trailing comma
          items.push(this.expression());
        } while (this.accept(","));
      }
      this.expect("]");
      return { k: "list", ...at, items };
    }
    if (t.value === "{") {
      this.advance();
      const entries: { key: Expr; value: Expr }[] = [];
      if (!this.is("}")) {
        do {
          if (this.is("}")) break;
          const key = this.expression();
          this.expect(":");
          entries.push({ key, value: this.expression() });
        } while (this.accept(","));
      }
      this.expect("}");
      return { k: "map", ...at, entries };
    }
    if (t.value === "/") return this.pathLiteral(t);
    return this.fail(`Unexpected ${this.describe(t)} in an expression.`);
  }

  /** A path literal: `/databases/$(database)/documents/users/$(uid)`, read as raw text. */
  private pathLiteral(first: Token): Expr {
    const lexer = this.lexer;
    const src = lexer.src;
    lexer.pos = first.start;
    const parts: PathPart[] = [];
    while (src[lexer.pos] === "/" && src[lexer.pos + 1] !== "/" && src[lexer.pos + 1] !== "*") {
      lexer.pos++;
      if (src.startsWith("$(", lexer.pos)) {
        lexer.pos += 2;
        this.tok = lexer.next();
        const expr = this.expression();
        if (!this.is(")")) this.fail(`Expected ')' but found ${this.describe(this.tok)}.`);
        lexer.pos = this.tok.end;
        parts.push({ expr });
        continue;
      }
      const start = lexer.pos;
      while (lexer.pos < src.length && PATH_SEGMENT_CHAR.test(src[lexer.pos]!)) lexer.pos++;
      // `(default)` is a literal segment too.
      if (src[lexer.pos] === "(" && src.startsWith("(default)", lexer.pos)) lexer.pos += "(default)".length;
      const text = src.slice(start, lexer.pos);
      if (text === "") this.fail("Empty segment in a path.", lexer.positionOf(start));
      parts.push({ text });
    }
    this.tok = lexer.next();
    return { k: "path", line: first.line, col: first.col, parts };
  }
}

function binary(at: Position, op: BinaryOperator, left: Expr, right: Expr): Expr {
  return { k: "binary", line: at.line, col: at.col, op, left, right };
}
