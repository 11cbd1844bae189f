// Reads `.env` from the working directory (or ENV_FILE) into process.env when
// present. Variables already set win, as with every dotenv loader: the shell
// overrides the file.
import fs from 'node:fs';
import { parseEnv } from 'node:util';

export function loadDotEnv(file = process.env.ENV_FILE ?? '.env', env: NodeJS.ProcessEnv = process.env): string[] {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' && !env.ENV_FILE) return [];
    throw new Error(`cannot read ${file}: ${(err as Error).message}`);
  }
  const loaded: string[] = [];
  for (const [key, value] of Object.entries(parseEnv(text))) {
    if (env[key] !== undefined) continue;
    env[key] = value;
    loaded.push(key);
  }
  return loaded;
}
