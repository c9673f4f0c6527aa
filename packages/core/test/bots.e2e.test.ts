// The bots end to end, in both real sandboxes: the model string goes through @bots/providers'
// createChatModel, the token through @bots/auth's tokenProviderFromEnv with the real
// DefaultAzureCredential (managed identity, App Service shape) against @bots/emulator, whose
// scripted model decides from the real command output it receives.
import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import type { ModelRequest } from '@bots/emulator';
import { afterEach, describe, expect, test } from 'vitest';
import { AgentBoss, LogAnalysisBot, type MicroBot, ReadingBot, WritingBot } from '../src/index.js';
import type { BotResult, Step } from '../src/loop/bot-result.js';
import {
  answer,
  assertNoContainerLeftByThisFile,
  botEnv,
  command,
  describeWhen,
  expectKeylessAuth,
  folderWith,
  hashTree,
  lastFeedback,
  lastSequence,
  modelRequests,
  randomInt,
  removeFolders,
  requestsSince,
  sandboxContainers,
  sandboxes,
  systemPrompt,
  taskOf,
  turn,
  useEmulator,
} from './support.js';

// 120 s tokens: msal-node treats them as expired at once (< 5 min left), so every bot's first
// token comes from the identity endpoint, and @bots/auth keeps it for the bot's run.
const emulator = useEmulator({ tokenLifetimeSeconds: 120 });
assertNoContainerLeftByThisFile();

const bots: MicroBot[] = [];
function track<T extends MicroBot>(bot: T): T {
  bots.push(bot);
  return bot;
}
afterEach(async () => {
  await Promise.all(bots.splice(0).map((bot) => bot.dispose()));
  removeFolders();
});

/** Commands of the steps (sub-steps included), in order. */
function commandsOf(steps: readonly Step[]): Step[] {
  return steps.flatMap((step) => [step, ...commandsOf(step.subSteps ?? [])]);
}

function expectSuccess(result: BotResult): void {
  expect(result.error, JSON.stringify(result.error)).toBeUndefined();
  expect(result.status).toBe('success');
}

for (const { name, availability } of sandboxes) {
  describeWhen(
    `bots end to end in the ${name} sandbox (needs ${name === 'docker' ? 'a Docker engine and the sandbox image' : 'bubblewrap'})`,
    availability,
    () => {
      const options = () => ({
        model: 'azure-openai/gpt-4o-e2e',
        env: botEnv(emulator()),
        environment: name,
      });

      test('ReadingBot finds a fact with grep and answers from its output; the host folder is unchanged', async () => {
        const code = `HERON-${randomInt(1000, 9999)}`;
        const line = randomInt(3, 9);
        const notes = Array.from({ length: 10 }, (_, index) =>
          index + 1 === line
            ? `The launch code for Project Heron is ${code}.`
            : `Note ${index + 1}.`,
        );
        const folder = folderWith('facts', {
          'README.md': '# Facts\nNothing here.\n',
          'docs/ops/launch.md': `${notes.join('\n')}\n`,
          'docs/other.md': 'Project Osprey has no launch code yet.\n',
        });
        const before = hashTree(folder);
        const since = lastSequence(emulator());
        emulator().setScript((request: ModelRequest) => {
          if (turn(request) === 0) {
            // Writes and deletes first: the folder is read-only for the host, not for the bot.
            return command(
              `cd /workdir/facts && echo scratch > scratch.txt && rm README.md && grep -rn "launch code for Project Heron" .`,
            );
          }
          const hit = /^\.\/(\S+):(\d+):.*\b(HERON-\d{4})\b/m.exec(
            lastFeedback(request)?.output ?? '',
          );
          return hit
            ? answer(`The launch code is ${hit[3]} (${hit[1]}, line ${hit[2]}).`)
            : answer('The folder does not say.');
        });

        const bot = track(new ReadingBot({ ...options(), folder }));
        const result = await bot.run('What is the launch code of Project Heron? Cite the file.');

        expectSuccess(result);
        expect(result.result).toBe(
          `The launch code is ${code} (docs/ops/launch.md, line ${line}).`,
        );
        expect(result.steps[0]).toMatchObject({ kind: 'command', exitCode: 0 });
        expect(result.steps[0]?.output).toBe(
          `./docs/ops/launch.md:${line}:The launch code for Project Heron is ${code}.\n`,
        );
        expect(hashTree(folder)).toBe(before);
        await bot.dispose();
        expect(hashTree(folder)).toBe(before);
        expectKeylessAuth(emulator(), since);
        expect(modelRequests(requestsSince(emulator(), since))).toHaveLength(2);
      });

      test('WritingBot fixes a bug so that the project test passes on the host afterwards', async () => {
        const folder = folderWith('calc', {
          'calc.py': 'def add(a, b):\n    return a - b\n\n\ndef mul(a, b):\n    return a * b\n',
          'test_calc.py':
            'from calc import add, mul\n\nassert add(2, 3) == 5, f"add(2, 3) returned {add(2, 3)}"\nassert mul(2, 3) == 6\nprint("all tests passed")\n',
        });
        const hostTest = () =>
          spawnSync('python3', ['-B', 'test_calc.py'], { cwd: folder, encoding: 'utf8' });
        expect(hostTest().status).toBe(1);
        const since = lastSequence(emulator());
        emulator().setScript((request: ModelRequest) => {
          const feedback = lastFeedback(request);
          switch (turn(request)) {
            case 0:
              return command('cd /workdir/calc && python3 -B test_calc.py');
            case 1:
              // The fix follows from the real failure: add() subtracts.
              return feedback?.exitCode !== 0 &&
                /add\(2, 3\) returned -1/.test(feedback?.output ?? '')
                ? command(
                    `sed -i 's/return a - b/return a + b/' calc.py && python3 -B test_calc.py`,
                  )
                : answer('I could not reproduce the failure.');
            default:
              return feedback?.exitCode === 0 && feedback.output.includes('all tests passed')
                ? answer(
                    'calc.py: add() returned a - b; it now returns a + b. test_calc.py passes.',
                  )
                : answer('The fix did not work.');
          }
        });

        const bot = track(new WritingBot({ ...options(), folder }));
        const result = await bot.run('The tests of this project fail. Fix the bug.');

        expectSuccess(result);
        expect(result.result).toContain('test_calc.py passes');
        expect(result.steps.map((step) => step.exitCode)).toEqual([1, 0, undefined]);
        await bot.dispose();
        const afterwards = hostTest();
        expect(afterwards.stderr).toBe('');
        expect(afterwards.stdout).toBe('all tests passed\n');
        expect(afterwards.status).toBe(0);
        expect(execFileSync('cat', [join(folder, 'calc.py')], { encoding: 'utf8' })).toContain(
          'return a + b',
        );
        expectKeylessAuth(emulator(), since);
      });

      test('LogAnalysisBot names the failing line that grep -n found', async () => {
        const failing = randomInt(120, 180);
        const text = `ERROR test_refund_partial: expected status 200, got 500 (order ${randomInt(10_000, 99_999)})`;
        const lines = Array.from({ length: 240 }, (_, index) => {
          const number = index + 1;
          if (number === failing) return text;
          if (number === failing + 1) return 'FAILED 1 of 57 tests';
          return number % 17 === 0
            ? `WARN slow test ${number}: 1.${number % 10} s`
            : `INFO step ${number}: ok`;
        });
        const folder = folderWith('logs', { 'ci.log': `${lines.join('\n')}\n` });
        const since = lastSequence(emulator());
        emulator().setScript((request: ModelRequest) => {
          if (turn(request) === 0) return command('wc -l /workdir/logs/ci.log');
          if (turn(request) === 1)
            return command(`grep -n -E '^(ERROR|FAILED)' /workdir/logs/ci.log`);
          const first = /^(\d+):(.*)$/m.exec(lastFeedback(request)?.output ?? '');
          return first
            ? answer(
                `The failing line is line ${first[1]}: "${first[2]}". The refund endpoint answered 500.`,
              )
            : answer('No failure found.');
        });

        const bot = track(new LogAnalysisBot({ ...options(), logFile: join(folder, 'ci.log') }));
        const result = await bot.run();

        expectSuccess(result);
        expect(result.steps[0]?.output).toBe('240 /workdir/logs/ci.log\n');
        expect(result.steps[1]?.output).toBe(
          `${failing}:${text}\n${failing + 1}:FAILED 1 of 57 tests\n`,
        );
        expect(result.result).toContain(`line ${failing}: "${text}"`);
        expectKeylessAuth(emulator(), since);
      });

      test('AgentBoss delegates two sub-tasks to sub-bots in the same sandbox and combines their answers', async () => {
        const rows = randomInt(5, 40);
        const owner = `team-${randomInt(100, 999)}`;
        const folder = folderWith('shop', {
          'inventory.csv': `sku,name\n${Array.from({ length: rows }, (_, index) => `S${index},item ${index}`).join('\n')}\n`,
          'SERVICE.md': `# Shop\nOwner: ${owner}\nOn call: pager 7\n`,
        });
        const containersSeen: number[] = [];
        const conversations = new Set<string>();
        const since = lastSequence(emulator());
        emulator().setScript(async (request: ModelRequest) => {
          const feedback = lastFeedback(request);
          conversations.add(`${systemPrompt(request).slice(0, 40)}|${taskOf(request)}`);
          if (systemPrompt(request).includes('You are a sub-bot')) {
            const task = taskOf(request);
            if (task.includes('inventory.csv')) {
              if (turn(request) === 0) {
                return command(
                  'mkdir -p /tmp/shared && tail -n +2 /workdir/shop/inventory.csv | wc -l | tee /tmp/shared/rows.txt',
                );
              }
              return answer(`inventory.csv has ${feedback?.output.trim()} items.`);
            }
            if (turn(request) === 0) {
              return command(`grep '^Owner:' /workdir/shop/SERVICE.md; cat /tmp/shared/rows.txt`);
            }
            const [ownerLine, rowsLine] = (feedback?.output ?? '').trim().split('\n');
            return answer(
              `${ownerLine}; the row count written by the other sub-task is ${rowsLine}.`,
            );
          }
          switch (turn(request)) {
            case 0:
              return command(
                'delegate "Count the data rows of /workdir/shop/inventory.csv (without the header) and answer with the number."',
              );
            case 1:
              return command(
                'delegate "Find the owner of the service in /workdir/shop/SERVICE.md and also print /tmp/shared/rows.txt."',
              );
            default: {
              if (name === 'docker')
                containersSeen.push((await sandboxContainers(process.pid)).length);
              const firstAnswer =
                request.messages.filter((message) => message.role === 'user')[1]?.content ?? '';
              const items = /has (\d+) items/.exec(firstAnswer)?.[1];
              const ownerName = /Owner: ([\w-]+)/.exec(feedback?.output ?? '')?.[1];
              return answer(`The shop sells ${items} items and is owned by ${ownerName}.`);
            }
          }
        });

        const depths: number[] = [];
        const boss = track(new AgentBoss({ ...options(), mounts: [{ hostPath: folder }] }));
        const result = await boss.run('How many items does the shop sell, and who owns it?', {
          maxIterations: 12,
          onStep: (step) => depths.push(step.depth),
        });

        expectSuccess(result);
        expect(result.result).toBe(`The shop sells ${rows} items and is owned by ${owner}.`);
        const delegations = result.steps.filter((step) => step.tool === 'delegate');
        expect(delegations).toHaveLength(2);
        for (const delegation of delegations) {
          expect(delegation.exitCode).toBe(0);
          expect(delegation.subSteps?.map((step) => step.kind)).toEqual(['command', 'answer']);
          expect(delegation.subSteps?.every((step) => step.depth === 1)).toBe(true);
        }
        expect(delegations[0]?.output).toBe(`inventory.csv has ${rows} items.`);
        // The second sub-bot read the file the first one wrote into the sandbox's own /tmp.
        expect(delegations[1]?.subSteps?.[0]?.output).toBe(`Owner: ${owner}\n${rows}\n`);
        expect(delegations[1]?.output).toBe(
          `Owner: ${owner}; the row count written by the other sub-task is ${rows}.`,
        );
        expect(depths).toEqual([1, 1, 0, 1, 1, 0, 0]);
        expect(conversations.size).toBe(3);
        expect(result.iterations).toBe(3);
        expect(commandsOf(result.steps).filter((step) => step.kind !== 'answer')).toHaveLength(4);
        if (name === 'docker') expect(containersSeen).toEqual([1]);
        // One model instance, hence one token provider: one token for the boss and its sub-bots.
        const tokens = new Set(
          modelRequests(requestsSince(emulator(), since)).map((r) => r.auth.tokenId),
        );
        expect(tokens.size).toBe(1);
        expectKeylessAuth(emulator(), since);
      });
    },
  );
}

describe('the emulator saw only keyless, accepted requests in this file', () => {
  test('no model request of the file used a key or an expired or refused token', () => {
    const model = modelRequests(emulator().requests.all());
    for (const request of model) expect(request.auth.keyName).toBeUndefined();
    expect(model.every((request) => request.auth.accepted && !request.auth.expired)).toBe(true);
  });
});
