/**
 * The fields every way of adding a custom expression shares (a picture's upload, a person's face on
 * screen): tags typed comma-separated and an optional threshold, checked as the server checks them.
 */

/** Tags are typed comma-separated; the server takes 1 to 64 characters each. */
export function parseTags(text: string): string[] {
  return [...new Set(text.split(',').map((t) => t.trim()).filter((t) => t.length > 0))];
}

/** The threshold field: undefined when left empty (the server's default), else the number typed (NaN if it is none). */
export function parseThreshold(text: string): number | undefined {
  const raw = text.trim();
  return raw === '' ? undefined : Number(raw);
}

/** What is wrong with a new expression's tags and threshold, in the operator's words; undefined when nothing is. */
export function tagsAndThresholdProblem(tags: readonly string[], threshold: number | undefined): string | undefined {
  if (tags.length === 0) return 'Give the expression at least one tag.';
  if (tags.some((t) => t.length > 64)) return 'Tags are at most 64 characters.';
  if (threshold !== undefined && !(threshold > 0 && threshold <= 2)) return 'The threshold is a distance above 0 and at most 2.';
  return undefined;
}

/** A text field of a form, or '' when the form has none by that name. */
export function textField(data: FormData, name: string): string {
  const value = data.get(name);
  return typeof value === 'string' ? value : '';
}
