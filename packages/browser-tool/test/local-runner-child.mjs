// Runs browser tasks with the local runner in a child process (the test starts it as an
// unprivileged user, to see Chromium's own sandbox and the host rule at work). The tasks come as
// JSON in BOTS_TEST_RUNS ([{ task, allowHosts }]); prints the results as JSON, with the progress
// lines, on stdout. The test bundles this file into a folder that user can read (stage-for-user).
import { runBrowserTask } from '../dist/index.js';

const env = JSON.parse(process.env.BOTS_TEST_ENV ?? '{}');
const runs = JSON.parse(process.env.BOTS_TEST_RUNS ?? '[]');
const results = [];
for (const run of runs) {
  const progress = [];
  const result = await runBrowserTask(run.task, {
    model: 'azure-openai/gpt-4o',
    env,
    runner: 'local',
    allowHosts: run.allowHosts,
    timeoutMs: 90_000,
    onProgress: (line) => progress.push(line),
  });
  results.push({ result, progress });
}
process.stdout.write(`${JSON.stringify({ results, uid: process.getuid?.() })}\n`);
