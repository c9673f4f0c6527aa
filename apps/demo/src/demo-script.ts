import type { ModelRequest, ModelScriptFunction } from '@bots/emulator';

/** The question the offline demo asks about `apps/demo/sample`. */
export const DEMO_QUESTION = 'Which port does the service listen on, and where is that configured?';

function reply(thoughts: string, command: string): string {
  return JSON.stringify({ task_done: command === '', thoughts, command });
}

/** The output part of the loop's message `Exit code: N\nOutput:\n...`. */
function outputOf(message: string | undefined): string {
  if (!message) return '';
  const at = message.indexOf('Output:\n');
  return at >= 0 ? message.slice(at + 'Output:\n'.length) : message;
}

/**
 * The scripted "model" of the offline demo, a function of the conversation so that the answer
 * comes from what the commands really printed: step 1 lists the folder (`ls -R`), step 2 searches
 * for the port setting (`grep -rn listen_port .`), step 3 answers quoting the line grep found.
 */
export function demoScript(): ModelScriptFunction {
  return (request: ModelRequest) => {
    const messages = request.messages;
    const turns = messages.filter((message) => message.role === 'assistant').length;
    const last = outputOf(messages.at(-1)?.content);
    if (turns === 0) {
      return reply('First, a look at what the folder holds.', 'ls -R');
    }
    if (turns === 1) {
      const configs = last
        .split('\n')
        .filter((line) => /\.(toml|ya?ml|ini|conf|json|env)$/.test(line.trim()));
      const seen =
        configs.length > 0
          ? `There is configuration (${configs.map((line) => line.trim()).join(', ')}). `
          : '';
      return reply(
        `${seen}The port is set by listen_port; searching every file for it.`,
        'grep -rn listen_port .',
      );
    }
    const hit = last.split('\n').find((line) => /listen_port\s*=\s*\d+/.test(line));
    if (!hit) {
      return reply(
        `I could not find a listen_port setting in the folder; grep printed: ${last.trim() || '(nothing)'}`,
        '',
      );
    }
    const [file, line, ...text] = hit.split(':');
    const port = /listen_port\s*=\s*(\d+)/.exec(hit)?.[1];
    return reply(
      `The service listens on port ${port}. It is configured in ${file?.replace(/^\.\//, '')}, line ${line}: \`${text.join(':').trim()}\` (grep printed: ${hit.trim()}).`,
      '',
    );
  };
}
