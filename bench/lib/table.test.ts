import { expect, it } from "vitest";
import { formatTable } from "./table.ts";

it("aligns text left, numbers right, under a rule", () => {
  const out = formatTable(
    ["form", "p50"],
    [
      ["engine", 1.5],
      ["raw sql", 0.25],
    ],
  );
  expect(out.split("\n")).toEqual(["form      p50", "-------  ----", "engine   1.50", "raw sql  0.25"]);
});
