// Many bots at once: 1, 10 and 50 concurrent ReadingBot tasks on the emulator's scripted model
// (keyless: AZURE_AUTH_METHOD=azure_ad through its managed identity), Docker and local
// (bubblewrap). Per level: tasks per second, p50 and p95 task time, identity calls, peak host
// memory per concurrent bot, and the throughput ratio N-concurrent / (N × single).
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { dockerAnswers, quantile, root } from './support.mjs';

export const name = 'concurrency';
export const timeoutMs = 20 * 60_000;

const LEVELS = [1, 10, 50];
const SAMPLE = join(root, 'apps', 'demo', 'sample');
const MODEL = 'azure-openai/gpt-4o-mini';
const dist = (pkg) => pathToFileURL(join(root, 'packages', pkg, 'dist', 'index.js')).href;

/** Reads the config, then answers with the line the command printed (2 model calls a task). */
function script(request) {
  const reply = (thoughts, command) =>
    JSON.stringify({ task_done: command === '', thoughts, command });
  if (!request.messages.some((message) => message.role === 'assistant')) {
    return reply('Read the config.', 'cat config/service.toml');
  }
  const output = request.messages.at(-1)?.content ?? '';
  const line = output.split('\n').find((text) => text.startsWith('listen_port'));
  return reply(`Found it: ${line ?? 'nothing'}`, '');
}

/** The host's CPU time so far (all cores), in clock ticks: busy and total. */
function cpuTicks() {
  const fields = readFileSync('/proc/stat', 'utf8')
    .split('\n')[0]
    .trim()
    .split(/\s+/)
    .slice(1)
    .map(Number);
  const total = fields.reduce((sum, value) => sum + value, 0);
  const idle = (fields[3] ?? 0) + (fields[4] ?? 0); // idle + iowait
  return { busy: total - idle, total };
}

/** MemAvailable of the host, in bytes. */
function availableMemory() {
  const match = /^MemAvailable:\s+(\d+) kB$/m.exec(readFileSync('/proc/meminfo', 'utf8'));
  return match ? Number(match[1]) * 1024 : 0;
}

export async function run(report) {
  const { startEmulator } = await import(dist('emulator'));
  const { LocalEnvironment, ReadingBot } = await import(dist('core'));
  const emulator = await startEmulator({ script });
  // msal-node reads the managed-identity endpoint from process.env, once per process.
  process.env.IDENTITY_ENDPOINT = emulator.env.IDENTITY_ENDPOINT;
  process.env.IDENTITY_HEADER = emulator.env.IDENTITY_HEADER;
  const env = { ...emulator.env, AZURE_AUTH_METHOD: 'azure_ad' };
  let identityCallsBefore = 0;
  const identityCallsInAll = () =>
    identityCallsBefore + emulator.requests.ofKind('identity').length;
  const docker = await dockerAnswers();
  const sandboxes = [
    { label: 'docker', available: docker.available, skip: 'no engine' },
    { label: 'local', available: LocalEnvironment.isAvailable(), skip: 'no bwrap' },
  ];
  try {
    for (const sandbox of sandboxes) {
      if (!sandbox.available) {
        report({
          metric: `${sandbox.label}: concurrent ReadingBots`,
          value: `skipped: ${sandbox.skip}`,
          unit: '',
        });
        continue;
      }
      // One warm-up task, so that the first level does not pay for loading the SDKs.
      await level(1);
      let single;
      for (const count of LEVELS) {
        const measured = await level(count);
        single ??= measured.tasksPerSecond;
        const prefix = `${sandbox.label}, ${count} concurrent ReadingBot${count === 1 ? '' : 's'}`;
        report({
          metric: `${prefix}: tasks per second`,
          value: measured.tasksPerSecond.toFixed(2),
          unit: `tasks/s (${count} in ${(measured.wallMs / 1000).toFixed(1)} s)`,
        });
        report({
          metric: `${prefix}: task time p50 / p95`,
          value: `${measured.p50.toFixed(0)} / ${measured.p95.toFixed(0)}`,
          unit: 'ms (each task: new ReadingBot, 2 model calls, 1 command, dispose)',
        });
        report({
          metric: `${prefix}: identity calls`,
          value: String(measured.identityCalls),
          unit: `calls during the level (${identityCallsInAll()} in this process so far; ${measured.modelCalls} model calls, each with an accepted token)`,
        });
        report({
          metric: `${prefix}: peak host memory per bot`,
          value: (measured.peakBytes / count / 2 ** 20).toFixed(1),
          unit: `MiB (drop of MemAvailable at its lowest, ${(measured.peakBytes / 2 ** 20).toFixed(0)} MiB, / ${count})`,
        });
        report({
          metric: `${prefix}: host CPU busy`,
          value: `${(measured.cpuBusy * 100).toFixed(0)} %`,
          unit: `of ${availableParallelism()} cores during the level (/proc/stat; everything on the host)`,
        });
        report({
          metric: `${prefix}: throughput / (N × single)`,
          value: (measured.tasksPerSecond / (count * single)).toFixed(2),
          unit: 'ratio (1.00: scales linearly)',
        });
      }

      async function level(count) {
        identityCallsBefore += emulator.requests.ofKind('identity').length;
        emulator.requests.clear();
        const baseline = availableMemory();
        const cpuBefore = cpuTicks();
        let lowest = baseline;
        const sampler = setInterval(() => {
          lowest = Math.min(lowest, availableMemory());
        }, 50);
        const started = performance.now();
        const times = await Promise.all(
          Array.from({ length: count }, async () => {
            const taskStarted = performance.now();
            const bot = new ReadingBot({
              model: MODEL,
              environment: sandbox.label,
              folder: SAMPLE,
              env,
            });
            try {
              const result = await bot.run('Which port does the service listen on?');
              if (result.status !== 'success' || !result.result?.includes('7341')) {
                throw new Error(
                  `a ${sandbox.label} task ended ${result.status}: ${result.error?.message ?? result.result}`,
                );
              }
            } finally {
              await bot.dispose();
            }
            return performance.now() - taskStarted;
          }),
        );
        const wallMs = performance.now() - started;
        const cpuAfter = cpuTicks();
        clearInterval(sampler);
        lowest = Math.min(lowest, availableMemory());
        const model = emulator.requests.ofKind('azure-openai');
        if (!model.every((request) => request.auth.accepted))
          throw new Error('a model call was refused');
        return {
          wallMs,
          tasksPerSecond: count / (wallMs / 1000),
          p50: quantile(times, 0.5),
          p95: quantile(times, 0.95),
          identityCalls: emulator.requests.ofKind('identity').length,
          modelCalls: model.length,
          peakBytes: Math.max(0, baseline - lowest),
          cpuBusy: (cpuAfter.busy - cpuBefore.busy) / Math.max(1, cpuAfter.total - cpuBefore.total),
        };
      }
    }
  } finally {
    await emulator.close();
  }
}
