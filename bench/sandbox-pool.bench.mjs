// @bots/core: a bot's first command in Docker, cold (the bot starts its sandbox) and with a warm
// `SandboxPool`, each over its floor measured in the same run: a bare dockerode create + start +
// exec of `true` on the same sandbox image.
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { dockerAnswers, median, root } from './support.mjs';

export const name = 'pool';

const coreDist = join(root, 'packages', 'core', 'dist');
const ROUNDS = 7; // timed, after one warm-up round; floor, cold and pooled interleaved per round

export async function run(report) {
  const core = await import(pathToFileURL(join(coreDist, 'index.js')).href);
  const testing = await import(pathToFileURL(join(coreDist, 'testing', 'index.js')).href);
  const { MicroBot, SandboxPool, SANDBOX_IMAGE, ensureSandboxImage } = core;
  const { answerReply, commandReply, ScriptedChatModel } = testing;
  const metrics = {
    floor: 'docker floor: bare dockerode create + start + exec `true` (sandbox image)',
    cold: 'docker cold: new MicroBot to first command executed',
    pooled: 'docker pooled: acquire() + new MicroBot to first command executed',
    coldRatio: 'docker cold / floor',
    pooledRatio: 'docker pooled / floor',
  };

  const engine = await dockerAnswers();
  if (!engine.available) {
    for (const metric of Object.values(metrics)) {
      report({ metric, value: 'skipped: no engine', unit: engine.reason });
    }
    return;
  }
  const Docker = createRequire(join(root, 'packages', 'core', 'package.json'))('dockerode');
  const docker = new Docker();
  await ensureSandboxImage({ docker });

  /** The floor: what any sandbox on this engine pays before its first command. */
  const floor = async () => {
    const started = performance.now();
    const container = await docker.createContainer({
      Image: SANDBOX_IMAGE,
      Cmd: ['sleep', 'infinity'],
      Labels: { 'bots.bench': 'floor' },
      HostConfig: { NetworkMode: 'none' },
    });
    try {
      await container.start();
      const exec = await container.exec({ Cmd: ['true'], AttachStdout: true, AttachStderr: true });
      const stream = await exec.start({});
      await new Promise((resolve, reject) => {
        stream.on('end', resolve);
        stream.on('error', reject);
        stream.resume();
      });
      const { ExitCode } = await exec.inspect();
      if (ExitCode !== 0) throw new Error(`\`true\` exited with ${ExitCode} in the bare container`);
      return performance.now() - started;
    } finally {
      await container.remove({ force: true });
    }
  };

  /** From `started` to the bot's first command step, with `environment` ('docker' or a sandbox). */
  const firstCommand = async (started, environment) => {
    let firstCommandAt;
    const bot = new MicroBot({
      model: new ScriptedChatModel({ replies: [commandReply('true'), answerReply('done')] }),
      environment,
    });
    try {
      const result = await bot.run('Run true.', {
        onStep: (step) => {
          if (step.kind === 'command' && firstCommandAt === undefined) {
            firstCommandAt = performance.now();
          }
        },
      });
      if (result.status !== 'success' || firstCommandAt === undefined) {
        throw new Error(`bot run ${result.status}: ${result.error?.message ?? 'no command'}`);
      }
      if (result.steps[0]?.exitCode !== 0) throw new Error('`true` failed in the sandbox');
      return firstCommandAt - started;
    } finally {
      await bot.dispose();
    }
  };

  const cold = () => firstCommand(performance.now(), 'docker');

  const pool = new SandboxPool({ size: 1, sandbox: 'docker' });
  const pooled = async () => {
    await pool.start(); // the refill of the previous round (not timed)
    const started = performance.now();
    const sandbox = await pool.acquire();
    try {
      return await firstCommand(started, sandbox);
    } finally {
      await sandbox.dispose();
    }
  };

  const times = { floor: [], cold: [], pooled: [] };
  let poolContainersSeen = 0;
  try {
    for (let round = 0; round <= ROUNDS; round += 1) {
      await pool.start(); // nothing starts in the background while floor and cold are timed
      const floorTime = await floor();
      const coldTime = await cold();
      const pooledTime = await pooled();
      const { length } = await docker.listContainers({
        all: true,
        filters: { label: [`${pool.label.name}=${pool.label.value}`] },
      });
      poolContainersSeen = Math.max(poolContainersSeen, length);
      if (round === 0) continue; // warm-up: the image check, the once-per-process stale sweep
      times.floor.push(floorTime);
      times.cold.push(coldTime);
      times.pooled.push(pooledTime);
    }
  } finally {
    await pool.close();
  }
  const left = await docker.listContainers({
    all: true,
    filters: { label: [`${pool.label.name}=${pool.label.value}`] },
  });
  if (left.length > 0) throw new Error(`${left.length} pool containers left after close()`);

  const spread = (values) =>
    `min ${Math.min(...values).toFixed(0)}, max ${Math.max(...values).toFixed(0)}`;
  const floorMedian = median(times.floor);
  const coldMedian = median(times.cold);
  const pooledMedian = median(times.pooled);
  report({
    metric: metrics.floor,
    value: floorMedian.toFixed(0),
    unit: `ms (median of ${ROUNDS}; ${spread(times.floor)})`,
  });
  report({
    metric: metrics.cold,
    value: coldMedian.toFixed(0),
    unit: `ms (median of ${ROUNDS}; ${spread(times.cold)})`,
  });
  report({
    metric: metrics.pooled,
    value: pooledMedian.toFixed(0),
    unit: `ms (median of ${ROUNDS}; ${spread(times.pooled)}; pool size 1, refill running meanwhile; goal ≤ 100 ms)`,
  });
  report({
    metric: metrics.coldRatio,
    value: (coldMedian / floorMedian).toFixed(2),
    unit: 'ratio (medians of the same run)',
  });
  report({
    metric: metrics.pooledRatio,
    value: (pooledMedian / floorMedian).toFixed(2),
    unit: `ratio (goal < 0.33; medians of the same run; at most ${poolContainersSeen} pool container(s) seen between rounds)`,
  });
}
