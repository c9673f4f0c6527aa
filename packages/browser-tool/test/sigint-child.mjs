// Runs one browser task in a child process for the SIGINT test: prints STEP after the first
// browser action (the container is running then) and waits to be interrupted.
import { runBrowserTask } from '../dist/index.js';

const env = JSON.parse(process.env.BOTS_TEST_ENV ?? '{}');
await runBrowserTask(process.argv[2] ?? '', {
  model: 'azure-openai/gpt-4o',
  env,
  runner: 'docker',
  allowHosts: [process.env.BOTS_TEST_ALLOW ?? ''].filter(Boolean),
  onStep: () => process.stdout.write('STEP\n'),
});
process.stdout.write('FINISHED\n');
