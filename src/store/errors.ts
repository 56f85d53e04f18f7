/** A reference the store refuses: no valid tag, or a threshold outside (0, 2]. */
export class ReferenceStoreError extends Error {
  override name = 'ReferenceStoreError';
}

/** A name or merge the identity store refuses, or an identity it does not hold. */
export class IdentityStoreError extends Error {
  override name = 'IdentityStoreError';
}

/** The data directory is locked by another running process. */
export class DataDirectoryInUseError extends Error {
  override name = 'DataDirectoryInUseError';
  constructor(
    readonly dataDir: string,
    readonly holder: number,
  ) {
    super(`the data directory ${dataDir} is in use by process ${holder} (another mien serve?): stop it, or give this one another --data`);
  }
}
