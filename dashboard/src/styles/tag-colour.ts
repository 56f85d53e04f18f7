/** Distinct on a dark background, and told apart by most colour-blind viewers in this order. */
const PALETTE = ['#3dd6c6', '#f5a623', '#b18cff', '#ff7eb6', '#7ec8ff', '#c3e88d', '#ffcb6b', '#ff8a65'];

/** The colour of a tag, the same on every timeline, chart and chip. */
export function tagColour(tag: string): string {
  let hash = 0;
  for (const char of tag) hash = (hash * 31 + char.codePointAt(0)!) >>> 0;
  return PALETTE[hash % PALETTE.length];
}
