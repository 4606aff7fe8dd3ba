/** One printable cell: numbers are right-aligned and shown with fixed decimals. */
export type Cell = string | number;

/** Renders rows as a plain-text table with a header rule, for benchmark output. */
export function formatTable(
  header: readonly string[],
  rows: readonly (readonly Cell[])[],
  decimals = 2,
): string {
  const text = rows.map((row) =>
    row.map((cell) => (typeof cell === "number" ? cell.toFixed(decimals) : cell)),
  );
  const widths = header.map((h, i) => Math.max(h.length, ...text.map((row) => (row[i] ?? "").length)));
  const numeric = header.map((_, i) => rows.length > 0 && rows.every((row) => typeof row[i] === "number"));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => (numeric[i] ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join("  ")
      .trimEnd();
  return [line(header), widths.map((w) => "-".repeat(w)).join("  "), ...text.map(line)].join("\n");
}
