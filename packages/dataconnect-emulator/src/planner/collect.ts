// Flattens a selection set (fragments, @skip/@include) into the fields to produce, merged by response key.
import {
  type DirectiveNode,
  type FieldNode,
  type FragmentDefinitionNode,
  GraphQLIncludeDirective,
  GraphQLSkipDirective,
  getDirectiveValues,
  Kind,
  type SelectionSetNode,
} from "graphql";

/** One response key with every field node that contributes to it (merged sub-selections). */
export interface CollectedField {
  responseKey: string;
  name: string;
  nodes: FieldNode[];
}

/** The fields `selectionSet` asks for, in first-occurrence order. */
export function collectFields(
  selectionSet: SelectionSetNode | readonly SelectionSetNode[],
  fragments: Readonly<Record<string, FragmentDefinitionNode>>,
  variables: Readonly<Record<string, unknown>>,
): CollectedField[] {
  const out = new Map<string, CollectedField>();
  const visited = new Set<string>();
  const visit = (set: SelectionSetNode) => {
    for (const selection of set.selections) {
      if (!included(selection.directives, variables)) continue;
      if (selection.kind === Kind.FIELD) {
        const responseKey = selection.alias?.value ?? selection.name.value;
        const existing = out.get(responseKey);
        if (existing) existing.nodes.push(selection);
        else out.set(responseKey, { responseKey, name: selection.name.value, nodes: [selection] });
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        visit(selection.selectionSet);
      } else {
        const name = selection.name.value;
        const fragment = fragments[name];
        if (!fragment || visited.has(name)) continue;
        visited.add(name);
        visit(fragment.selectionSet);
      }
    }
  };
  for (const set of Array.isArray(selectionSet) ? selectionSet : [selectionSet as SelectionSetNode])
    visit(set);
  return [...out.values()];
}

/** The merged sub-selection sets of a collected field. */
export function subSelections(field: CollectedField): SelectionSetNode[] {
  return field.nodes.flatMap((n) => (n.selectionSet ? [n.selectionSet] : []));
}

function included(
  directives: readonly DirectiveNode[] | undefined,
  variables: Readonly<Record<string, unknown>>,
): boolean {
  if (!directives?.length) return true;
  const node = { directives };
  if (getDirectiveValues(GraphQLSkipDirective, node, variables)?.if === true) return false;
  if (getDirectiveValues(GraphQLIncludeDirective, node, variables)?.if === false) return false;
  return true;
}
