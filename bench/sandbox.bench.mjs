// @bots/core: sandbox command round trip (Docker and local bubblewrap), bot creation to first
// command executed, and the agent loop's own cost per step (model and command excluded).
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { dockerAnswers, median, quantile, root } from './support.mjs';

export const name = 'core';

const coreDist = join(root, 'packages', 'core', 'dist');

const ROUND_TRIP_WARMUP = 20;
const ROUND_TRIPS = 200;
const BOT_STARTS = 5;
const LOOP_STEPS = 200;
const LOOP_RUNS = 3; // after one warm-up run

export async function run(report) {
  const core = await import(pathToFileURL(join(coreDist, 'index.js')).href);
  const testing = await import(pathToFileURL(join(coreDist, 'testing', 'index.js')).href);
  const { DockerEnvironment, LocalEnvironment, MicroBot } = core;
  const { answerReply, commandReply, ScriptedChatModel, ScriptedEnvironment } = testing;

  const docker = await dockerAnswers();
  if (!docker.available) process.stderr.write(`[bench] no Docker engine: ${docker.reason}\n`);
  const local = LocalEnvironment.isAvailable()
    ? { available: true }
    : { available: false, reason: 'no bwrap' };
  const sandboxes = [
    { label: 'docker', create: () => new DockerEnvironment(), ...docker, skip: 'no engine' },
    { label: 'local', create: () => new LocalEnvironment(), ...local, skip: 'no bwrap' },
  ];

  // 1. Command round trip: `true` in a started sandbox.
  for (const sandbox of sandboxes) {
    const metric = `${sandbox.label} sandbox: command round trip (\`true\`)`;
    if (!sandbox.available) {
      report({ metric, value: `skipped: ${sandbox.skip}`, unit: sandbox.reason });
      continue;
    }
    const environment = sandbox.create();
    try {
      await environment.start();
      for (let index = 0; index < ROUND_TRIP_WARMUP; index += 1) await environment.execute('true');
      const times = [];
      for (let index = 0; index < ROUND_TRIPS; index += 1) {
        const started = performance.now();
        const result = await environment.execute('true');
        times.push(performance.now() - started);
        if (result.exitCode !== 0) throw new Error(`\`true\` exited with ${result.exitCode}`);
      }
      report({
        metric: `${metric}, median`,
        value: median(times).toFixed(2),
        unit: `ms (of ${ROUND_TRIPS}, after ${ROUND_TRIP_WARMUP} warm-up)`,
      });
      report({
        metric: `${metric}, p90`,
        value: quantile(times, 0.9).toFixed(2),
        unit: `ms (of ${ROUND_TRIPS})`,
      });
    } finally {
      await environment.dispose();
    }
  }

  // 2. From `new MicroBot(...)` to its first command executed (the sandbox is created at the
  // first command, so this includes starting it).
  for (const sandbox of sandboxes) {
    const metric = `${sandbox.label}: new MicroBot to first command executed`;
    if (!sandbox.available) {
      report({ metric, value: `skipped: ${sandbox.skip}`, unit: sandbox.reason });
      continue;
    }
    const times = [];
    for (let index = 0; index < BOT_STARTS; index += 1) {
      const started = performance.now();
      let firstCommandAt;
      const bot = new MicroBot({
        model: new ScriptedChatModel({ replies: [commandReply('true'), answerReply('done')] }),
        environment: sandbox.label,
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
        times.push(firstCommandAt - started);
      } finally {
        await bot.dispose();
      }
    }
    report({
      metric,
      value: median(times).toFixed(0),
      unit: `ms (median of ${BOT_STARTS}; min ${Math.min(...times).toFixed(0)}, max ${Math.max(...times).toFixed(0)})`,
    });
  }

  // 3. The loop's own cost per step: a scripted model and an environment that answers at once,
  // both timed from outside, subtracted from the wall time of the run.
  const loopRun = async () => {
    const modelTimes = [];
    const commandTimes = [];
    class TimedModel extends ScriptedChatModel {
      async complete(request) {
        const started = performance.now();
        try {
          return await super.complete(request);
        } finally {
          modelTimes.push(performance.now() - started);
        }
      }
    }
    class TimedEnvironment extends ScriptedEnvironment {
      async execute(command, options) {
        const started = performance.now();
        try {
          return await super.execute(command, options);
        } finally {
          commandTimes.push(performance.now() - started);
        }
      }
    }
    const model = new TimedModel({
      replies: (_request, call) =>
        call.index < LOOP_STEPS ? commandReply(`echo step ${call.index}`) : answerReply('done'),
    });
    const environment = new TimedEnvironment((command) => `${command.slice(5)}\n`);
    const bot = new MicroBot({ model, environment });
    const stepEnds = [];
    const started = performance.now();
    const result = await bot.run('Run the steps.', {
      maxIterations: LOOP_STEPS + 1,
      onStep: () => stepEnds.push(performance.now()),
    });
    const total = performance.now() - started;
    await bot.dispose();
    if (result.status !== 'success' || result.steps.length !== LOOP_STEPS + 1) {
      throw new Error(`loop run ${result.status} after ${result.steps.length} steps`);
    }
    const sum = (values) => values.reduce((accumulated, value) => accumulated + value, 0);
    // Per step i: time since the previous step ended, minus its model call and its command.
    const perStep = stepEnds.map(
      (end, index) =>
        end -
        (index === 0 ? started : stepEnds[index - 1]) -
        modelTimes[index] -
        (commandTimes[index] ?? 0),
    );
    return {
      steps: result.steps.length,
      overheadPerStep: (total - sum(modelTimes) - sum(commandTimes)) / result.steps.length,
      // Medians: a garbage collection lands in one step and would swamp a mean of 50.
      early: median(perStep.slice(1, 51)),
      late: median(perStep.slice(LOOP_STEPS - 50, LOOP_STEPS)),
    };
  };
  await loopRun(); // warm-up
  const runs = [];
  for (let index = 0; index < LOOP_RUNS; index += 1) runs.push(await loopRun());
  const middle = [...runs].sort((a, b) => a.overheadPerStep - b.overheadPerStep)[
    Math.floor(runs.length / 2)
  ];
  report({
    metric: `loop overhead per step (model and command excluded, ${LOOP_STEPS} steps)`,
    value: (middle.overheadPerStep * 1000).toFixed(0),
    unit: `µs (median of ${LOOP_RUNS} runs)`,
  });
  report({
    metric: 'loop overhead of the median step: steps 2-51 / last 50',
    value: `${(middle.early * 1000).toFixed(0)} / ${(middle.late * 1000).toFixed(0)}`,
    unit: 'µs (same run; a rise means the per-step cost grows with the conversation)',
  });
}
