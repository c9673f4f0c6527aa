// @bots/copilot: CopilotBot task time on the scripted task (the Copilot agent runs one shell
// command in the sandbox, then answers), Docker and local bubblewrap. Real SDK, real CLI, the
// emulator's managed identity and model endpoint; the model's replies are scripted, so the time
// is the bot's own: sandbox start, CLI start, session, the relay, the command, cleanup.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { dockerAnswers, median, root } from './support.mjs';

export const name = 'copilot';
export const timeoutMs = 400_000;

const RUNS = 3; // after one warm-up run per sandbox

export async function run(report) {
  const dist = (name) =>
    import(pathToFileURL(join(root, 'packages', name, 'dist', 'index.js')).href);
  const [{ CopilotBot }, { startEmulator }, { LocalEnvironment }] = await Promise.all([
    dist('copilot'),
    dist('emulator'),
    dist('core'),
  ]);
  const emulator = await startEmulator({
    script: (request) =>
      request.messages.some((message) => message.role === 'tool')
        ? 'The folder has readme.txt.'
        : { toolCalls: [{ name: 'bash', arguments: { command: 'ls', description: 'list' } }] },
  });
  // @azure/identity reads the managed-identity variables from process.env only.
  Object.assign(process.env, emulator.credentialEnv('app-service'));
  const env = { AZURE_AUTH_METHOD: 'azure_ad', ...emulator.env };
  const folder = mkdtempSync(join(tmpdir(), 'bench-copilot-'));
  writeFileSync(join(folder, 'readme.txt'), 'hello\n');
  const docker = await dockerAnswers();
  const sandboxes = [
    { label: 'docker', available: docker.available, reason: docker.reason },
    { label: 'local', available: LocalEnvironment.isAvailable(), reason: 'no bwrap' },
  ];
  try {
    for (const sandbox of sandboxes) {
      const metric = `CopilotBot task time, scripted task (one shell command), ${sandbox.label}`;
      if (!sandbox.available) {
        report({ metric, value: 'skipped', unit: sandbox.reason });
        continue;
      }
      const bot = new CopilotBot({
        model: 'azure-openai/gpt-4o-mini',
        folder,
        sandbox: sandbox.label,
        env,
        onWarning: () => {},
      });
      const times = [];
      for (let index = 0; index <= RUNS; index += 1) {
        const result = await bot.run('Which files are in the folder?');
        if (result.status !== 'success' || result.steps.length !== 1) {
          throw new Error(`${sandbox.label}: ${result.status} ${result.error?.message ?? ''}`);
        }
        if (index > 0) times.push(result.durationMs);
      }
      report({
        metric: `${metric}, median`,
        value: (median(times) / 1000).toFixed(2),
        unit: `s (of ${RUNS}, after 1 warm-up; start to cleaned up)`,
      });
    }
  } finally {
    rmSync(folder, { recursive: true, force: true });
    await emulator.close();
  }
}
