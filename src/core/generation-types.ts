/** The values StartMetadataGenerationRun accepts in `types` (1–2 distinct per run). */
export const GENERATION_TYPES = [
  'BUSINESS_DESCRIPTIONS',
  'BUSINESS_NAMES',
  'BUSINESS_GLOSSARY_ASSOCIATIONS',
] as const;

export type GenerationType = (typeof GENERATION_TYPES)[number];

/** The types of one run: sorted, distinct, one or two. */
export type GenerationGroup = readonly GenerationType[];

/** A run takes at most two types (the API's limit). */
const MAX_TYPES_PER_RUN = 2;

/**
 * The configured types as runs, by a fixed rule: one run when they fit in one (one or two types), else glossary
 * associations in a run of their own and names with descriptions in the other. Fixed, so that every delivery of an
 * event, in any container, makes the same groups and so the same client tokens.
 */
export function generationGroups(types: readonly GenerationType[]): GenerationGroup[] {
  const sorted = [...new Set(types)].sort();
  if (sorted.length <= MAX_TYPES_PER_RUN) return [sorted];
  const glossary: GenerationType = 'BUSINESS_GLOSSARY_ASSOCIATIONS';
  return [sorted.filter((type) => type !== glossary), [glossary]];
}

/** The group a run's types belong to (all of them in one group), if any. */
export function groupOf(
  runTypes: readonly string[],
  groups: readonly GenerationGroup[],
): GenerationGroup | undefined {
  if (runTypes.length === 0) return undefined;
  return groups.find((group) => runTypes.every((type) => (group as readonly string[]).includes(type)));
}
