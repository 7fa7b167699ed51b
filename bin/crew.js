#!/usr/bin/env node
// The `crew` command (package.json "bin"): runs the compiled CLI.
import { existsSync } from 'node:fs';

const entry = new URL('../dist/cli/main-cli.js', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write('crew: the CLI is not built yet. Run `npm run build` first.\n');
  process.exit(1);
}
await import(entry.href);
