import { getMetadataStorage } from 'class-validator';
import type { ValidationMetadata } from 'class-validator/types/metadata/ValidationMetadata';

/**
 * Fence: class-validator's inner metadata type, and the one patch of its metadata storage.
 * class-validator.fence.spec.ts fails when a release changes what the patch relies on.
 */
export type { ValidationMetadata };

let memoised = false;

/**
 * class-validator works out a class's rules on every validate() call, scanning every
 * decorated class in the app for ancestors and regrouping the result by property
 * (typestack/class-validator#2686, open): a fifth of a `POST /orders` went to validation,
 * much of it there. A class's rules are complete once the class is defined (decorators run
 * then), and the library only reads these results, so both lookups of the global
 * MetadataStorage are replaced by memoised ones, per class and options. Idempotent; the
 * rules themselves and their order are unchanged. To remove: delete the call in
 * createValidationPipe (the cost comes back, docs/benchmarks.md).
 */
export function memoiseValidationMetadata(): void {
  if (memoised) return;
  memoised = true;
  const storage = getMetadataStorage();
  const targets = storage.getTargetValidationMetadatas.bind(storage);
  const byTarget = new WeakMap<object, Map<string, ValidationMetadata[]>>();
  storage.getTargetValidationMetadatas = (target, schema, always, strictGroups, groups) => {
    const options = [schema, always, strictGroups, ...(groups ?? ['\u0000none'])].join('\u0000');
    let byOptions = byTarget.get(target);
    if (!byOptions) byTarget.set(target, (byOptions = new Map<string, ValidationMetadata[]>()));
    let found = byOptions.get(options);
    if (!found)
      byOptions.set(options, (found = targets(target, schema, always, strictGroups, groups)));
    return found;
  };
  const group = storage.groupByPropertyName.bind(storage);
  const grouped = new WeakMap<ValidationMetadata[], ReturnType<typeof group>>();
  storage.groupByPropertyName = (metadata) => {
    let found = grouped.get(metadata);
    if (!found) grouped.set(metadata, (found = group(metadata)));
    return found;
  };
}
