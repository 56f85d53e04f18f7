// Imports nothing: the API's types (and so the dashboard) name the patterns without GStreamer.
/** videotestsrc's patterns that move or vary, useful to tell frames apart: the only ones Mien passes on. */
export const TEST_PATTERNS = ['smpte', 'ball', 'snow', 'gamut', 'pinwheel', 'spokes', 'circular'] as const;
export type TestPattern = (typeof TEST_PATTERNS)[number];

export const isTestPattern = (value: unknown): value is TestPattern => (TEST_PATTERNS as readonly unknown[]).includes(value);
