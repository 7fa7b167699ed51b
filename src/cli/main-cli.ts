import { runCli } from './run-cli.js';

runCli(process.argv.slice(2), process.env, { out: process.stdout, err: process.stderr })
  .then((code) => {
    process.exitCode = code;
  })
  .catch((error: unknown) => {
    process.stderr.write(`crew: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  });
