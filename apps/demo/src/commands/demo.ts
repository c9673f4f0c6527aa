import { cp, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { ReadingBot } from '@bots/core';
import { FakeEnvironment } from '@bots/core/testing';
import { type Emulator, isModelEndpointKind, startEmulator } from '@bots/emulator';
import { BOT_OPTIONS, MODEL_FORMS_PHRASE } from '../bot-options.js';
import { type CommandContext, EXIT } from '../command-context.js';
import type { Command, CommandSpec } from '../command-spec.js';
import { DEMO_QUESTION, demoScript } from '../demo-script.js';
import { createModel } from '../model-setup.js';
import { useEmulatorIdentity } from '../offline.js';
import { parseCommand } from '../parse-command.js';
import { botFlags, modelSetup, runBot } from '../run-bot.js';
import { sampleFolder } from '../sample-folder.js';
import { BWRAP_INSTALL_HINT, DOCKER_INSTALL_HINT, prepareSandbox } from '../sandbox-choice.js';
import { style } from '../style.js';

/** The deployment name the offline demo asks the emulator for (any name is served). */
const DEMO_MODEL = 'azure-openai/gpt-4o-mini';

const spec = {
  name: 'demo',
  summary: 'the offline demo: local emulator, managed identity, scripted model replies',
  description:
    'Runs a ReadingBot on the sample folder (apps/demo/sample) with the question "Which port does the service listen on?", offline: a local Azure emulator plays Entra ID (managed identity, AZURE_AUTH_METHOD=azure_ad) and Azure OpenAI with scripted replies, while the commands really run in the sandbox. With --model, a real model answers the same question.',
  arguments: [],
  options: {
    ...BOT_OPTIONS,
    model: {
      ...BOT_OPTIONS.model,
      description: `ask a real model the same question instead of the scripted replies: ${MODEL_FORMS_PHRASE}`,
      defaultLabel: 'none: offline, scripted replies',
    },
  },
  examples: [
    'bots demo',
    'bots demo --sandbox local --json',
    'AZURE_AUTH_METHOD=azure_ad AZURE_OPENAI_ENDPOINT=https://<resource>.openai.azure.com bots demo --model azure-openai/<deployment>',
  ],
} as const satisfies CommandSpec;

/** `bots demo`: offline with the emulator and scripted replies; `--model` runs the same question against a real model. */
export const demo: Command = {
  spec,
  async run(context: CommandContext): Promise<number> {
    const parsed = parseCommand(spec, context);
    if (!parsed) return EXIT.success;
    const flags = botFlags(parsed.values, parsed.given);
    const folder = sampleFolder();
    const s = style(context.color);

    if (flags.model) {
      context.stderr(
        `bots demo: asking ${flags.model} about ${folder} (a real model: replies are not scripted)\n`,
      );
      return runBot(context, {
        flags,
        describe: `ReadingBot on ${folder} (read-only), question: ${DEMO_QUESTION}`,
        createBot: ({ model, environment }) =>
          new ReadingBot({ model, environment, folder, env: context.env }),
        run: (bot, options) => bot.run(DEMO_QUESTION, options),
      });
    }

    context.stderr(
      [
        s.bold('bots demo: OFFLINE. The model replies are SCRIPTED: no real model is called.'),
        'A local Azure emulator (@bots/emulator) plays Entra ID (managed identity) and Azure OpenAI;',
        'the bot really runs its commands in a sandbox, and the scripted "model" answers from their output.',
        'To ask a real model instead:',
        '  AZURE_OPENAI_ENDPOINT=https://<resource>.openai.azure.com AZURE_OPENAI_API_VERSION=2024-10-21 \\',
        '  AZURE_AUTH_METHOD=azure_ad bots read <dir> "<question>" --model azure-openai/<deployment>',
        '(or `bots demo --model azure-openai/<deployment>` for this same question).',
        '',
      ].join('\n'),
    );

    const emulator = await startEmulator({ script: demoScript() });
    let fake: FakeEnvironment | undefined;
    try {
      const modelEnv = useEmulatorIdentity(emulator);
      context.stderr(
        `bots: emulator at ${emulator.urls.base}; AZURE_AUTH_METHOD=azure_ad, managed identity at IDENTITY_ENDPOINT=${emulator.urls.identity}\n`,
      );
      const model = await createModel(DEMO_MODEL, modelEnv, modelSetup(context, flags));

      const choice = await prepareSandbox(flags.sandbox, context.env, context.stderr, {
        allowNone: true,
        tryBwrap: true,
      });
      let environment: FakeEnvironment | 'docker' | 'local';
      let sandboxPath: string | undefined;
      let botFolder = folder;
      if (choice.kind === 'none') {
        fake = new FakeEnvironment();
        await fake.start();
        botFolder = join(fake.root, 'work', 'sample');
        await mkdir(botFolder, { recursive: true });
        await cp(folder, botFolder, { recursive: true });
        await fake.execute(`cd '${botFolder}'`);
        sandboxPath = botFolder;
        environment = fake;
        context.stderr(
          `${s.red(s.bold('bots: sandbox: NONE. NOTHING IS SANDBOXED.'))} ${choice.reason}.\n` +
            `  The demo falls back to a plain shell on a temporary copy of the sample folder (${botFolder}).\n` +
            '  Its scripted commands only read (ls, grep), so this is safe here; never point a real model at it.\n' +
            `  To sandbox: ${BWRAP_INSTALL_HINT}, ${DOCKER_INSTALL_HINT}.\n`,
        );
      } else {
        environment = choice.kind;
      }

      const code = await runBot(context, {
        flags,
        model,
        modelEnv,
        environment,
        describe: `ReadingBot on ${folder} (read-only), question: ${DEMO_QUESTION}`,
        createBot: ({ model: chatModel, environment: sandbox }) =>
          new ReadingBot({
            model: chatModel,
            environment: sandbox,
            folder: botFolder,
            ...(sandboxPath ? { sandboxPath } : {}),
          }),
        run: (bot, options) => bot.run(DEMO_QUESTION, options),
      });
      context.stderr(requestLogSummary(emulator));
      return code;
    } finally {
      await fake?.dispose();
      await emulator.close();
    }
  },
};

/** The emulator's request log, one line per request, then what it shows. */
export function requestLogSummary(emulator: Emulator): string {
  const requests = emulator.requests.all();
  const lines = [`emulator request log (${requests.length} requests):`];
  for (const request of requests) {
    const { auth } = request;
    let detail: string;
    if (request.kind === 'identity') {
      detail = request.issuedToken
        ? `X-IDENTITY-HEADER ${auth.accepted ? 'accepted' : 'refused'}, token issued for ${request.issuedToken.audience}, expires ${new Date(request.issuedToken.expiresAt * (request.issuedToken.expiresAt < 1e12 ? 1000 : 1)).toISOString()}`
        : `X-IDENTITY-HEADER ${auth.accepted ? 'accepted' : `refused${auth.reason ? `: ${auth.reason}` : ''}`}`;
    } else {
      const credential =
        auth.scheme === 'bearer'
          ? `bearer ${auth.jsonWebToken ? `JWT aud ${auth.audience}` : 'key'}`
          : auth.scheme;
      detail = `${credential}, ${auth.accepted ? 'accepted' : `REFUSED${auth.reason ? `: ${auth.reason}` : ''}`}`;
    }
    lines.push(
      `  #${request.sequence} ${request.kind} ${request.method} ${request.path} -> ${request.status}  ${detail}`,
    );
  }
  const model = requests.filter((request) => isModelEndpointKind(request.kind));
  const identity = requests.filter((request) => request.kind === 'identity');
  const allBearer = model.every(
    (request) =>
      request.auth.scheme === 'bearer' && request.auth.jsonWebToken && request.auth.accepted,
  );
  lines.push(
    `  ${model.length} model call${model.length === 1 ? '' : 's'}, ${identity.length} identity call${identity.length === 1 ? '' : 's'}; ` +
      (model.length > 0 && allBearer
        ? 'every model call carried an Entra ID bearer token (no API key) and was accepted.'
        : 'NOT every model call was accepted with a bearer token (see above).'),
  );
  return `${lines.join('\n')}\n`;
}
