/** The values StartMetadataGenerationRun accepts in `types` (1–2 distinct per run). */
export const GENERATION_TYPES = [
  'BUSINESS_DESCRIPTIONS',
  'BUSINESS_NAMES',
  'BUSINESS_GLOSSARY_ASSOCIATIONS',
] as const;

export type GenerationType = (typeof GENERATION_TYPES)[number];
