/** Where a node starts in the rules source (1-based line and column). */
export interface Position {
  readonly line: number;
  readonly col: number;
}

/** A binary operator of the expression language. */
export type BinaryOperator = "==" | "!=" | "<" | "<=" | ">" | ">=" | "in" | "+" | "-" | "*" | "/" | "%";

/** One piece of a path literal: fixed text or an interpolated `$(expression)`. */
export type PathPart = { readonly text: string } | { readonly expr: Expr };

/** An expression node. */
export type Expr = Position &
  (
    | { readonly k: "literal"; readonly value: unknown }
    | { readonly k: "ident"; readonly name: string }
    | { readonly k: "member"; readonly object: Expr; readonly name: string }
    | { readonly k: "index"; readonly object: Expr; readonly index: Expr }
    | {
        readonly k: "slice";
        readonly object: Expr;
        readonly from: Expr | undefined;
        readonly to: Expr | undefined;
      }
    | { readonly k: "call"; readonly callee: Expr; readonly args: readonly Expr[] }
    | { readonly k: "unary"; readonly op: "!" | "-"; readonly operand: Expr }
    | { readonly k: "binary"; readonly op: BinaryOperator; readonly left: Expr; readonly right: Expr }
    | { readonly k: "and" | "or"; readonly left: Expr; readonly right: Expr }
    | { readonly k: "is"; readonly operand: Expr; readonly type: string }
    | { readonly k: "ternary"; readonly test: Expr; readonly then: Expr; readonly else: Expr }
    | { readonly k: "list"; readonly items: readonly Expr[] }
    | { readonly k: "map"; readonly entries: readonly { key: Expr; value: Expr }[] }
    | { readonly k: "path"; readonly parts: readonly PathPart[] }
  );

/** A user function: parameters, `let` bindings in order, and the returned expression. */
export interface FunctionDecl extends Position {
  readonly name: string;
  readonly params: readonly string[];
  readonly lets: readonly { readonly name: string; readonly value: Expr }[];
  readonly body: Expr;
}

/** The request methods an `allow` names (`read` and `write` are expanded at parse time). */
export type Method = "get" | "list" | "create" | "update" | "delete";

/** An `allow` statement; a missing condition means `if true`. */
export interface AllowStatement extends Position {
  readonly methods: readonly Method[];
  readonly condition: Expr | undefined;
}

/** One segment of a match path: fixed, `{name}` or `{name=**}`. */
export type PatternSegment =
  | { readonly kind: "literal"; readonly text: string }
  | { readonly kind: "single"; readonly name: string }
  | { readonly kind: "recursive"; readonly name: string };

/** A `match` block. */
export interface MatchBlock extends Position {
  readonly pattern: readonly PatternSegment[];
  readonly functions: readonly FunctionDecl[];
  readonly allows: readonly AllowStatement[];
  readonly matches: readonly MatchBlock[];
}

/** A parsed rules file. */
export interface RulesFile {
  readonly version: "1" | "2";
  readonly service: string;
  readonly functions: readonly FunctionDecl[];
  readonly matches: readonly MatchBlock[];
}
