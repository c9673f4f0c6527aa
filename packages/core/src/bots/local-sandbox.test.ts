import { lstatSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bubblewrapAvailability, describeWhen } from '@bots/test-kit';
import { afterEach, expect, it } from 'vitest';
import { answerReply, commandReply, ScriptedChatModel } from '../testing/scripted-chat-model.js';
import { LogAnalysisBot } from './log-analysis-bot.js';
import type { MicroBot } from './micro-bot.js';
import { ReadingBot } from './reading-bot.js';
import { WritingBot } from './writing-bot.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});
function folderWith(files: Record<string, string>): string {
  const folder = mkdtempSync(join(tmpdir(), 'bots-local-sandbox-'));
  for (const [name, content] of Object.entries(files)) writeFileSync(join(folder, name), content);
  cleanups.push(() => rmSync(folder, { recursive: true, force: true }));
  return folder;
}
function track<T extends MicroBot>(bot: T): T {
  cleanups.push(() => bot.dispose());
  return bot;
}

describeWhen('bots in the local sandbox (needs bubblewrap)', bubblewrapAvailability(), () => {
  it('ReadingBot: the bot may write in its folder, the host folder never changes', async () => {
    const folder = folderWith({ 'notes.txt': 'alpha\n' });
    const model = new ScriptedChatModel({
      replies: [
        commandReply(
          'cd /workdir/* && echo changed > notes.txt && cat notes.txt && echo "HOME=$HOME"',
        ),
        answerReply('notes.txt says alpha'),
      ],
    });
    const bot = track(new ReadingBot({ model, folder, environment: 'local' }));
    const result = await bot.run('What do the notes say?');
    expect(result.status).toBe('success');
    expect(result.steps[0]).toMatchObject({ exitCode: 0, output: 'changed\nHOME=/home/bot\n' });
    expect(readFileSync(join(folder, 'notes.txt'), 'utf8')).toBe('alpha\n');
  });

  it('WritingBot: what the bot writes reaches the host folder', async () => {
    const folder = folderWith({});
    const model = new ScriptedChatModel({
      replies: [
        commandReply('echo written > /workdir/out/result.txt'),
        answerReply('wrote result.txt'),
      ],
    });
    const bot = track(
      new WritingBot({ model, folder, sandboxPath: '/workdir/out', environment: 'local' }),
    );
    expect((await bot.run('Write the result.')).status).toBe('success');
    expect(readFileSync(join(folder, 'result.txt'), 'utf8')).toBe('written\n');
  });

  it('LogAnalysisBot: only the log file is visible, and its failing line can be found', async () => {
    const folder = folderWith({
      'build.log': 'compiling\nERROR: tests failed\n',
      'secret.txt': 'x',
    });
    const model = new ScriptedChatModel({
      replies: [
        commandReply('grep -n ERROR /workdir/logs/build.log; ls -R /workdir'),
        answerReply('Line 2: ERROR: tests failed'),
      ],
    });
    const bot = track(
      new LogAnalysisBot({ model, logFile: join(folder, 'build.log'), environment: 'local' }),
    );
    const result = await bot.run();
    expect(result.steps[0]?.output).toBe(
      '2:ERROR: tests failed\n/workdir:\nlogs\n\n/workdir/logs:\nbuild.log\n',
    );
  });

  it('a command past its timeout is killed, reported as 124, and the shell goes on', async () => {
    const model = new ScriptedChatModel({
      replies: [
        commandReply('export KEPT=1; sleep 30'),
        commandReply('echo "kept=$KEPT"'),
        answerReply('ok'),
      ],
    });
    const folder = folderWith({});
    const bot = track(new ReadingBot({ model, folder, environment: 'local' }));
    const startedAt = Date.now();
    const result = await bot.run('Wait.', { commandTimeoutMs: 500 });
    expect(Date.now() - startedAt).toBeLessThan(10_000);
    expect(result.steps[0]).toMatchObject({ exitCode: 124, timedOut: true });
    expect(result.steps[1]?.exitCode).toBe(0);
    expect(result.status).toBe('success');
  });
  it('WritingBot whose model attacks: no capability, no remount, no setuid file reach the host', async () => {
    const folder = folderWith({ 'keep.txt': 'kept\n' });
    const model = new ScriptedChatModel({
      replies: [
        commandReply("grep '^CapEff' /proc/self/status; id -u"),
        commandReply('mount -o remount,rw,bind /usr 2>&1; touch /usr/bots-bot-probe 2>&1'),
        commandReply(
          'cd /workdir/out && cp /usr/bin/true tool && chmod u+s,g+s tool; chmod 4755 tool; stat -c %a tool',
        ),
        answerReply('done'),
      ],
    });
    const bot = track(
      new WritingBot({ model, folder, sandboxPath: '/workdir/out', environment: 'local' }),
    );
    const result = await bot.run('Escape.');
    expect(result.status).toBe('success');
    expect(result.steps[0]?.output).toMatch(/^CapEff:\s+0000000000000000\n\d+\n$/);
    expect(result.steps[1]?.output).toMatch(
      /must be superuser|Operation not permitted|permission denied/i,
    );
    expect(result.steps[1]?.output).toMatch(/Read-only file system/);
    expect(result.steps[2]?.output).toMatch(/755\n$/);
    expect(lstatSync(join(folder, 'tool')).mode & 0o7777).toBe(0o755);
    expect(() => lstatSync('/usr/bots-bot-probe')).toThrow();
  });
});
