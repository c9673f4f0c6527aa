// No secret reaches the sandbox, the model or the result: the host process has a key and a token
// in its environment (and a keyless opt-in), the bot reads its settings from process.env.
import type { ModelRequest } from '@bots/emulator';
import { afterEach, expect, test, vi } from 'vitest';
import { ReadingBot } from '../src/index.js';
import type { Step } from '../src/loop/bot-result.js';
import {
  answer,
  assertNoContainerLeftByThisFile,
  COGNITIVE_SERVICES_AUDIENCE,
  command,
  describeWhen,
  expectKeylessAuth,
  folderWith,
  lastSequence,
  modelRequests,
  removeFolders,
  requestsSince,
  sandboxes,
  turn,
  useEmulator,
} from './support.js';

const emulator = useEmulator({ tokenLifetimeSeconds: 120 });
assertNoContainerLeftByThisFile();

const FAKE_KEY = 'sk-fake-host-key-0123456789abcdef';
const bots: ReadingBot[] = [];
afterEach(async () => {
  await Promise.all(bots.splice(0).map((bot) => bot.dispose()));
  removeFolders();
});

for (const { name, availability } of sandboxes) {
  describeWhen(`secrets in the ${name} sandbox`, availability, () => {
    test('env in the sandbox shows no token or key; the result, the steps and the model see no token', async () => {
      const e = emulator();
      // A real, valid token of the emulator, and a key, in the host's environment.
      const hostToken = e.issueToken({ audience: COGNITIVE_SERVICES_AUDIENCE }).token;
      expect(hostToken.startsWith('eyJ')).toBe(true);
      for (const [variable, value] of Object.entries({
        ...e.env,
        AZURE_AUTH_METHOD: 'azure_ad',
        AZURE_OPENAI_API_KEY: FAKE_KEY,
        OPEN_AI_KEY: FAKE_KEY,
        AZURE_OPENAI_AD_TOKEN: hostToken,
      })) {
        vi.stubEnv(variable, value);
      }
      const since = lastSequence(e);
      e.setScript((request: ModelRequest) => {
        switch (turn(request)) {
          case 0:
            return command('env | sort');
          case 1:
            return command(
              `echo "token=[$AZURE_OPENAI_AD_TOKEN] key=[$AZURE_OPENAI_API_KEY] header=[$IDENTITY_HEADER]"; grep -rls 'ey''J' /proc/[0-9]*/environ /home /tmp /workdir 2>/dev/null | wc -l`,
            );
          default:
            return answer('The sandbox holds no credential.');
        }
      });
      const seen: Step[] = [];
      const folder = folderWith('data', { 'a.txt': 'alpha\n' });
      // No env option: the bot reads process.env, which holds a key and the azure_ad opt-in.
      const bot = new ReadingBot({
        model: 'azure-openai/gpt-4o-secrets',
        environment: name,
        folder,
      });
      bots.push(bot);

      const result = await bot.run('Does the sandbox hold a credential?', {
        onStep: (step) => seen.push(step),
      });

      expect(result.status).toBe('success');
      const env = result.steps[0]?.output ?? '';
      expect(env).toMatch(/^PATH=/m);
      for (const secret of [FAKE_KEY, hostToken, 'eyJ', e.identityHeader, e.apiKeys.azureOpenAI]) {
        expect(env).not.toContain(secret);
      }
      expect(env).not.toMatch(/AZURE_|IDENTITY_|OPEN_AI|DOCKER_HOST/);
      expect(result.steps[1]?.output).toBe('token=[] key=[] header=[]\n0\n');
      // Nothing the bot returns or reports carries a token (any JWT starts with eyJ) or the key.
      const everything = JSON.stringify({ result, seen });
      expect(everything).not.toContain('eyJ');
      expect(everything).not.toContain(FAKE_KEY);
      expect(everything).not.toContain(e.identityHeader);
      for (const step of seen) expect(step.output ?? '').not.toContain('eyJ');
      // The model never saw one either; and it was called with a token, not the key.
      for (const request of modelRequests(requestsSince(e, since))) {
        expect(JSON.stringify(request.messages)).not.toContain('eyJ');
        expect(JSON.stringify(request.messages)).not.toContain(FAKE_KEY);
      }
      expectKeylessAuth(e, since);
      vi.unstubAllEnvs();
      vi.stubEnv('IDENTITY_ENDPOINT', e.env['IDENTITY_ENDPOINT']);
      vi.stubEnv('IDENTITY_HEADER', e.env['IDENTITY_HEADER']);
    });

    test('a token in a mounted file is masked before the model sees it, and in the steps and the answer', async () => {
      const e = emulator();
      const leaked = e.issueToken({ audience: COGNITIVE_SERVICES_AUDIENCE }).token;
      const folder = folderWith('config', { 'settings.env': `MODE=prod\nTOKEN=${leaked}\n` });
      const since = lastSequence(e);
      e.setScript((request: ModelRequest) =>
        turn(request) === 0
          ? command(
              'cat /workdir/config/settings.env; echo "raw: $(cut -d= -f2 /workdir/config/settings.env | tail -n 1)"',
            )
          : // A model that repeats a token it was given would leak it: the answer is masked too.
            answer(`The settings hold a token: ${leaked}`),
      );
      const bot = new ReadingBot({
        model: 'azure-openai/gpt-4o-secrets',
        env: { ...e.env, AZURE_AUTH_METHOD: 'azure_ad' },
        environment: name,
        folder,
      });
      bots.push(bot);

      const result = await bot.run('What do the settings hold?');

      expect(result.status).toBe('success');
      expect(result.steps[0]?.output).toBe('MODE=prod\nTOKEN=[REDACTED]\nraw: [REDACTED]\n');
      expect(result.result).toBe('The settings hold a token: [REDACTED]');
      expect(JSON.stringify(result)).not.toContain('eyJ');
      const [, second] = modelRequests(requestsSince(e, since));
      expect(JSON.stringify(second?.messages)).not.toContain('eyJ');
      expect(second?.messages?.at(-1)?.content).toContain('TOKEN=[REDACTED]');
      expectKeylessAuth(e, since);
    });
  });
}
