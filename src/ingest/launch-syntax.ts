/**
 * A value for a gst-launch description (`location=${quoted(path)}`): in double quotes, with the
 * backslashes and quotes inside escaped, so spaces, `!` and quotes in paths or URLs stay in the value.
 */
export function quoted(value: string): string {
  return `"${value.replace(/[\\"]/g, '\\$&')}"`;
}
