// Runs a LocalEnvironment in a child process, for the local sandbox's tests: as an unprivileged
// user (the test starts it with another uid), or to be killed with SIGKILL mid-run. The job (argv[2],
// JSON): { options, steps: [{ execute } | { copyIn: [hostPath, sandboxPath] }], hold }. Prints
// { uid, notes, results } as one JSON line; with hold, stays alive (sandbox running) until killed.
import { LocalEnvironment } from '../dist/index.js';

const job = JSON.parse(process.argv[2] ?? '{}');
const environment = new LocalEnvironment(job.options ?? {});
const results = [];
try {
  await environment.start();
  for (const step of job.steps ?? []) {
    try {
      if (step.execute !== undefined) results.push(await environment.execute(step.execute));
      else {
        await environment.copyIn(step.copyIn[0], step.copyIn[1]);
        results.push({ copied: true });
      }
    } catch (error) {
      results.push({ error: error.name, message: error.message });
    }
  }
} catch (error) {
  results.push({ error: error.name, message: error.message });
}
const report = `${JSON.stringify({ uid: process.getuid(), notes: environment.notes, results })}\n`;
if (job.hold) {
  process.stdout.write(report);
  setInterval(() => undefined, 60_000);
} else {
  await environment.dispose();
  process.stdout.write(report);
}
