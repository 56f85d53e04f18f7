/** The server's errors: each says, in a sentence, what was wrong with what it was given. */

/** A failure with an HTTP status and a sentence for the client. */
export class HttpError extends Error {
  override name = 'HttpError';
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** The config file or the environment holds a bad setting. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** A WebSocket subscription message that cannot be read. */
export class FilterError extends Error {
  override name = 'FilterError';
}
