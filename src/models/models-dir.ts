import { fileURLToPath } from 'node:url';

/** The models directory in the checkout (`models/` at the project root); settings may name another ($MIEN_MODELS_DIR). */
export function defaultModelsDir(): string {
  return fileURLToPath(new URL('../../models/', import.meta.url));
}
