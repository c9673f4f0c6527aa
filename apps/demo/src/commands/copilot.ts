import { CopilotBot, type CopilotBotResult } from '@bots/copilot';
import type { ModelRequest, ScriptStep } from '@bots/emulator';
import { startEmulator } from '@bots/emulator';
import {
  HELP_OPTION,
  JSON_OPTION,
  MODEL_FORMS_PHRASE,
  MODEL_OPTION,
  TIMEOUT_OPTION,
} from '../bot-options.js';
import { type CommandContext, EXIT } from '../command-context.js';
import type { Command, CommandSpec } from '../command-spec.js';
import { oneOf } from '../flag-values.js';
import { useEmulatorIdentity } from '../offline.js';
import { flag, value } from '../option-table.js';
import { parseCommand } from '../parse-command.js';
import { stepPrinter } from '../progress.js';
import { existingPath, report } from '../run-bot.js';
import { style } from '../style.js';

/** The deployment the offline run asks the emulator for (any name is served). */
const OFFLINE_MODEL = 'azure-openai/gpt-4.1';
/** The one command the scripted replies have the Copilot agent run. */
const OFFLINE_COMMAND = 'ls -la';

const spec = {
  name: 'copilot',
  summary: 'the GitHub Copilot agent on a folder, keyless and contained (offline by default)',
  description:
    'A CopilotBot runs the task with the GitHub Copilot agent (the Copilot SDK here, the Copilot CLI inside the sandbox: no network, no credential; its model calls come back to this process, which adds a fresh Entra ID token). The folder is mounted read-only (writes go to a throwaway layer) unless --writable. Without --model it runs offline, like `bots demo`: a local emulator plays Entra ID (managed identity) and Azure OpenAI, and scripted replies make the agent run one shell command in the sandbox (`ls -la`) and answer from its output. Progress (each tool call, its exit) goes to stderr; the answer to stdout.',
  arguments: [
    { name: 'dir', description: 'the folder the agent works on' },
    { name: 'task', quoted: true, description: 'what the agent should do' },
  ],
  options: {
    model: {
      ...MODEL_OPTION,
      description: `a real model instead of the offline, scripted one: ${MODEL_FORMS_PHRASE}`,
      defaultLabel: 'none: offline, scripted replies',
    },
    sandbox: value({
      argument: 'docker|local|host',
      description:
        'where the Copilot CLI and its commands run: docker (a container of the sandbox image), local (bubblewrap), or host (no sandbox at all: an explicit opt-in, with a warning)',
      defaultLabel: 'docker when an engine answers, else local',
      parse: oneOf(
        ['docker', 'local', 'host'],
        'Leave it out to use Docker when an engine answers, else bubblewrap.',
      ),
    }),
    writable: flag("mount the folder read-write: the agent's changes reach it"),
    timeout: TIMEOUT_OPTION,
    json: JSON_OPTION,
    help: HELP_OPTION,
  },
  examples: [
    'bots copilot ./repo "How many TypeScript files are there?"',
    'AZURE_AUTH_METHOD=azure_ad AZURE_OPENAI_ENDPOINT=https://<resource>.openai.azure.com/openai/v1 bots copilot ./repo "Summarise the README" --model azure-openai/<deployment>',
  ],
} as const satisfies CommandSpec;

/**
 * The offline replies: the agent's `bash` tool runs `ls -la` in the folder, then the answer lists
 * what the command printed (so it comes from the sandbox, not from the script).
 */
function offlineScript(request: ModelRequest): ScriptStep {
  const results = request.messages.filter((message) => message.role === 'tool');
  if (results.length === 0) {
    if (!request.tools.includes('bash')) {
      return `The scripted replies need the Copilot agent's bash tool, which this CLI did not offer (it offered: ${request.tools.join(', ')}).`;
    }
    return {
      toolCalls: [
        { name: 'bash', arguments: { command: OFFLINE_COMMAND, description: 'List the folder' } },
      ],
    };
  }
  const names = (results.at(-1)?.content ?? '')
    .split('\n')
    .map((line) => line.trim().split(/\s+/).slice(8).join(' '))
    .filter((name) => name !== '' && name !== '.' && name !== '..');
  return `(Scripted answer.) I ran \`${OFFLINE_COMMAND}\` in the sandbox; the folder holds ${names.length} entr${names.length === 1 ? 'y' : 'ies'}: ${names.join(', ')}.`;
}

/** `bots copilot <dir> "<task>"`: a CopilotBot, contained; offline unless --model. */
export const copilot: Command = {
  spec,
  async run(context: CommandContext): Promise<number> {
    const parsed = parseCommand(spec, context);
    if (!parsed) return EXIT.success;
    const { values } = parsed;
    const [dir, task] = parsed.positionals as [string, string];
    const folder = existingPath(context, 'copilot', dir, 'folder');
    const s = style(context.color);
    const emulator =
      values.model === undefined ? await startEmulator({ script: offlineScript }) : undefined;
    try {
      const env = emulator ? useEmulatorIdentity(emulator) : context.env;
      const model = emulator ? OFFLINE_MODEL : (values.model as string);
      if (emulator) {
        context.stderr(
          `${s.bold('bots copilot: OFFLINE. The model replies are SCRIPTED: no real model is called.')}\nA local Azure emulator plays Entra ID (managed identity, AZURE_AUTH_METHOD=azure_ad) and Azure OpenAI; the Copilot agent really runs \`${OFFLINE_COMMAND}\` in the sandbox. Pass --model azure-openai/<deployment> for a real model.\n`,
        );
      }
      const bot = new CopilotBot({
        model,
        folder,
        env,
        writable: values.writable,
        ...(values.sandbox ? { sandbox: values.sandbox } : {}),
        timeoutMs: values.timeout,
        onWarning: (message) => context.stderr(`bots: ${s.red('warning')}: ${message}\n`),
      });
      context.stderr(
        `bots: CopilotBot on ${folder} (${values.writable ? 'read-write' : 'read-only: the folder is never changed'}), model ${model}\n`,
      );
      const print = stepPrinter(context.stderr, context.color);
      const result: CopilotBotResult = await bot.run(task, {
        signal: context.signal,
        onStep: print,
      });
      context.stderr(
        `bots: ran in: ${result.sandbox}; model requests relayed: ${result.relay.forwarded}\n`,
      );
      return report(context, result, values.json);
    } finally {
      await emulator?.close();
    }
  },
};
