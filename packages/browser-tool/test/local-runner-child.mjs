// Runs one browser task with the local runner in a child process (the test starts it as an
// unprivileged user, to see Chromium's own sandbox at work). Prints the result as JSON, with the
// progress lines, on stdout.
import { runBrowserTask } from '../dist/index.js';

const env = JSON.parse(process.env.BOTS_TEST_ENV ?? '{}');
const progress = [];
const result = await runBrowserTask(process.argv[2] ?? '', {
  model: 'azure-openai/gpt-4o',
  env,
  runner: 'local',
  timeoutMs: 60_000,
  onProgress: (line) => progress.push(line),
});
process.stdout.write(`${JSON.stringify({ result, progress, uid: process.getuid?.() })}\n`);
