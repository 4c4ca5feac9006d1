/** Reading and replacing the small text files of an instance. */
import { randomBytes } from 'node:crypto';
import { readFile, rename, writeFile } from 'node:fs/promises';

/** The text of a file from offset `from`; '' when it cannot be read (not written yet, or removed). */
export async function fileText(path: string, from = 0): Promise<string> {
  try {
    return (await readFile(path, 'utf8')).slice(from);
  } catch {
    return '';
  }
}

/**
 * Writes a temporary file next to `file` and renames it over `file`, so that a reader sees the old or the new
 * content, never half of it. `prepare` runs on the temporary file before the rename.
 */
export async function replaceFile(file: string, text: string, mode: number, prepare?: (tmp: string) => Promise<void>): Promise<void> {
  const tmp = `${file}.${randomBytes(4).toString('hex')}.tmp`;
  await writeFile(tmp, text, { mode });
  if (prepare !== undefined) await prepare(tmp);
  await rename(tmp, file);
}
