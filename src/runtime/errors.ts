/** The runtime's errors. */

/** The environment holds a bad setting: every problem, by variable name. */
export class SettingsError extends Error {
  override name = 'SettingsError';
}

/** A stream asked for cannot be: no such stream, the id is taken, or it is not a valid id. */
export class StreamError extends Error {
  override name = 'StreamError';
  constructor(
    readonly problem: 'unknown' | 'taken' | 'invalid',
    message: string,
  ) {
    super(message);
  }
}
