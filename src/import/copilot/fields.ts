import { MANIFEST_FIELDS, ManifestKind } from './spec';

/** The documented fields of a manifest kind as a tree: keys, `*` (a map key of your own), `[]` (list items). */
export interface FieldTree {
  readonly children: Map<string, FieldTree>;
}

const cache = new Map<ManifestKind, FieldTree>();

/** Splits `http.additional_rules[].path` into `http`, `additional_rules`, `[]`, `path`. */
export function fieldSteps(field: string): string[] {
  return field.split('.').flatMap((part) => (part.endsWith('[]') ? [part.slice(0, -2), '[]'] : [part]));
}

export function fieldTree(kind: ManifestKind): FieldTree {
  let tree = cache.get(kind);
  if (!tree) {
    tree = { children: new Map() };
    for (const field of [...MANIFEST_FIELDS[kind], 'name', 'type']) {
      let node = tree;
      for (const step of fieldSteps(field)) {
        let next = node.children.get(step);
        if (!next) {
          next = { children: new Map() };
          node.children.set(step, next);
        }
        node = next;
      }
    }
    cache.set(kind, tree);
  }
  return tree;
}
