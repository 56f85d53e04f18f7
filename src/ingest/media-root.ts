import { realpathSync } from 'node:fs';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { MediaPathError } from './errors.js';

/**
 * The real path of a file a request names (an API call, a fleet's desired stream), which must lie
 * inside the media root. A relative path is taken from the root. A path that leads out (`..`, an
 * absolute path elsewhere, a symbolic link inside the root that points out) is refused as outside
 * before anything says whether it exists.
 */
export function confinedMediaPath(root: string | undefined, requested: string): string {
  if (root === undefined) {
    throw new MediaPathError('off', 'file and still streams over the API are off until the operator names a media root (mediaRoot in the config file, or MIEN_MEDIA_ROOT)');
  }
  const outside = new MediaPathError('outside', `${JSON.stringify(requested)} is outside the media root; name a file inside it`);
  if (requested === '' || requested.includes('\0')) throw new MediaPathError('invalid', 'a path is a non-empty string without NUL characters');
  const realRoot = realpathSync(root);
  // The configured root may itself be reached through a link: a path under either spelling is a candidate.
  if (!inside(realRoot, resolve(realRoot, requested)) && !inside(root, resolve(root, requested))) throw outside;
  let real: string;
  try {
    real = realpathSync(resolve(realRoot, requested));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new MediaPathError('missing', `no file ${JSON.stringify(requested)} in the media root`);
    throw error;
  }
  if (!inside(realRoot, real)) throw outside;
  return real;
}

function inside(root: string, path: string): boolean {
  const rest = relative(root, path);
  return rest !== '' && !isAbsolute(rest) && rest.split(sep)[0] !== '..';
}
