// No secret reaches the sandbox, the model or the result: the host process has a key and a token
// in its environment (and a keyless opt-in), the bot reads its settings from process.env.
import { cachedTokenProvider } from '@bots/auth';
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

/** Ordinary code that names passwords, keys and tokens: the user's data, to be read verbatim. */
const ORDINARY_CODE = [
  'import os',
  '',
  'def check(password, stored):',
  '    if (password == stored): return True',
  '    api_key = os.environ["SERVICE_API_KEY"]',
  '    secret = vault.get("db")  # client_secret: rotated weekly',
  '    headers = {"Authorization": f"Bearer {token}"}',
  '    return {"password": "<your password here>", "access_token": None}',
  '',
  '// if (password === stored) return true;',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: the user's code, quoted as text
  '// headers.Authorization = `Bearer ${token}`;',
  '// export OPEN_AI_KEY=$(az keyvault secret show --name key --query value -o tsv)',
  'curl -H "Authorization: Bearer YOUR_TOKEN_HERE" -H "api-key: $AZURE_OPENAI_API_KEY" https://example.com',
  '',
].join('\n');
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

    test("the user's code that names passwords, keys and tokens reaches the model verbatim; the token and key in use never do", async () => {
      const e = emulator();
      // The token in use: the bot's own cached provider, primed here so the test knows it.
      const tokenProvider = cachedTokenProvider(async () =>
        e.issueToken({ audience: COGNITIVE_SERVICES_AUDIENCE }),
      );
      const tokenInUse = await tokenProvider();
      const keyInUse = e.apiKeys.azureOpenAI;
      const folder = folderWith('project', {
        'app.py': ORDINARY_CODE,
        'deploy.env': `AZURE_OPENAI_AD_TOKEN=${tokenInUse}\nOPEN_AI_KEY=${keyInUse}\n`,
      });
      const since = lastSequence(e);
      const quoted = '    if (password == stored): return True';
      e.setScript((request: ModelRequest) => {
        switch (turn(request)) {
          case 0:
            return command('cat /workdir/project/app.py');
          case 1:
            return command('cat /workdir/project/deploy.env');
          default:
            return answer(`app.py compares with \`${quoted.trim()}\` and reads SERVICE_API_KEY.`);
        }
      });
      const bot = new ReadingBot({
        model: 'azure-openai/gpt-4o-user-data',
        // The key is in the env too (registered as a secret), though the token provider wins.
        env: { ...e.env, OPEN_AI_KEY: keyInUse },
        tokenProvider,
        environment: name,
        folder,
      });
      bots.push(bot);

      const result = await bot.run('What does app.py check?');

      expect(result.status).toBe('success');
      expect(result.steps[0]?.output).toBe(ORDINARY_CODE);
      expect(result.steps[1]?.output).toBe(
        'AZURE_OPENAI_AD_TOKEN=[REDACTED]\nOPEN_AI_KEY=[REDACTED]\n',
      );
      expect(result.result).toBe(
        'app.py compares with `if (password == stored): return True` and reads SERVICE_API_KEY.',
      );
      const [, second, third] = modelRequests(requestsSince(e, since));
      // What the model read of app.py is the file, byte for byte.
      expect(second?.messages?.at(-1)?.content).toBe(`Exit code: 0\nOutput:\n${ORDINARY_CODE}`);
      expect(third?.messages?.at(-1)?.content).toBe(
        'Exit code: 0\nOutput:\nAZURE_OPENAI_AD_TOKEN=[REDACTED]\nOPEN_AI_KEY=[REDACTED]\n',
      );
      const everything = JSON.stringify({
        result,
        messages: modelRequests(requestsSince(e, since)).map((request) => request.messages),
      });
      expect(everything).not.toContain(tokenInUse);
      expect(everything).not.toContain(keyInUse);
      expect(everything).not.toContain('eyJ');
    });
  });
}
