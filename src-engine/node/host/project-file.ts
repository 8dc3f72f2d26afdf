/** Reading a project file the user picked: within the size a project may have, as a sentence when it cannot be. */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { ProjectError } from '../../project/project.ts';
import { MAX_PROJECT_CHARS } from '../../protocol/schemas.ts';

/** The text of a project file; refuses non-files and files larger than a project can be before reading them. */
export async function readProjectFile(file: string): Promise<string> {
  const name = path.basename(file);
  const st = await fs.stat(file);
  if (!st.isFile()) throw new ProjectError(`${name} is not a regular file.`);
  if (st.size > MAX_PROJECT_CHARS)
    throw new ProjectError(
      `${name} has ${st.size.toLocaleString('en-US')} bytes; a Netwright project has at most ${MAX_PROJECT_CHARS.toLocaleString('en-US')}.`,
    );
  return fs.readFile(file, 'utf8');
}
