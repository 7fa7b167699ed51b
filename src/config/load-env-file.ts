import { existsSync, readFileSync } from 'node:fs';
import { parseEnv } from 'node:util';

/**
 * Reads a `.env` file into `environment` when the file exists (`npm start` from a checkout).
 * Variables already set in the real environment win, as with Node's `--env-file`, so Docker,
 * compose and CI settings are never overridden by a stray file. Parsed by Node's own
 * `util.parseEnv` (the `--env-file` format: `KEY=value`, `#` comments, quotes, `export`).
 * Returns the names it set (for a log line; values never leave this function).
 */
export function loadEnvFile(path: string, environment: Record<string, string | undefined> = process.env): string[] {
  if (!existsSync(path)) return [];
  const parsed = parseEnv(readFileSync(path, 'utf8')) as Record<string, string>;
  const set: string[] = [];
  for (const [name, value] of Object.entries(parsed)) {
    if (environment[name] !== undefined) continue;
    environment[name] = value;
    set.push(name);
  }
  return set;
}
