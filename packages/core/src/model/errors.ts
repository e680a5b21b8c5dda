/** Why a model's metadata cannot be turned into hparams and layers. */
export type ModelErrorCode =
  | 'MISSING_KEY'
  | 'BAD_VALUE'
  | 'BAD_ARRAY_LENGTH'
  | 'HEADS_NOT_DIVISIBLE'
  | 'UNKNOWN_ARCH'
  | 'ARCH_UNSUPPORTED';

/** A typed error that names the key, the file and the fix. */
export class ModelError extends Error {
  override readonly name = 'ModelError';

  constructor(
    readonly code: ModelErrorCode,
    /** The GGUF key at fault (full key with arch prefix), when there is one. */
    readonly key: string | undefined,
    /** The file or URL the metadata came from, when known. */
    readonly file: string | undefined,
    /** What is wrong. */
    readonly problem: string,
    /** What to do about it. */
    readonly fix: string,
  ) {
    const where = file === undefined ? '' : ` in ${file}`;
    super(`${problem}${where}. ${fix}`);
  }
}
