// The relation fields each table type gains (spec §3.2): reverse one-to-many / one-to-one fields
// and many-to-many fields through join tables. One function derives them so that the generated
// SDL, the filter inputs and the SQL planner agree on every name.
import type { Relation, SchemaModel, Table } from "../schema/model.ts";

/** A field on `table` that reads rows of another table through a relation. */
export type RelationField =
  | {
      kind: "reverseMany";
      name: string;
      /** The table that holds the FK (whose rows are returned). */
      source: Table;
      relation: Relation;
    }
  | { kind: "reverseOne"; name: string; source: Table; relation: Relation }
  | {
      kind: "manyToMany";
      name: string;
      /** The join table keyed by two relations. */
      join: Table;
      /** The join table's relation pointing at `table`. */
      near: Relation;
      /** The join table's relation pointing at the returned table. */
      far: Relation;
      target: Table;
    };

/** Every generated relation field of `table`, in a stable order. */
export function relationFieldsOf(model: SchemaModel, table: Table): RelationField[] {
  const out: RelationField[] = [];
  const sorted = [...model.tables].sort((a, b) => a.typeName.localeCompare(b.typeName));
  for (const source of sorted) {
    for (const relation of source.relations) {
      if (relation.target !== table.typeName) continue;
      out.push(
        relation.unique
          ? { kind: "reverseOne", name: `${source.singular}_on_${relation.field}`, source, relation }
          : { kind: "reverseMany", name: `${source.plural}_on_${relation.field}`, source, relation },
      );
    }
  }
  for (const join of sorted) {
    const keyRelations = join.declaredKey
      .map((k) => join.relations.find((r) => r.field === k))
      .filter((r): r is Relation => r !== undefined);
    if (join.declaredKey.length !== 2 || keyRelations.length !== 2) continue;
    const [a, b] = keyRelations as [Relation, Relation];
    const sameTarget = a.target === b.target;
    for (const [near, far] of [
      [a, b],
      [b, a],
    ] as const) {
      if (near.target !== table.typeName) continue;
      const target = model.tables.find((t) => t.typeName === far.target);
      if (!target) continue;
      const name = sameTarget
        ? `${target.plural}_via_${join.typeName}_on_${near.field}`
        : `${target.plural}_via_${join.typeName}`;
      out.push({ kind: "manyToMany", name, join, near, far, target });
    }
  }
  return out;
}
