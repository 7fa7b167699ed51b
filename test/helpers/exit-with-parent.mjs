// Preloaded into crew child processes started by tests (see spawn-crew-process.ts): the test
// keeps this process's stdin open, so when the test process dies — even by SIGKILL — stdin
// ends and this process exits too, instead of lingering as an orphan.
process.stdin.on('end', () => process.kill(process.pid, 'SIGKILL'));
process.stdin.on('error', () => process.kill(process.pid, 'SIGKILL'));
process.stdin.resume();
