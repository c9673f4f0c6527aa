// The folders and files the README examples name (`./my-project`, `./docs`, `./ci/build.log`,
// ...), as a user running an example would have them, and the scripted model that answers the
// examples which talk to the test's emulator.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { ModelRequest, ScriptStep } from '@bots/emulator';

const FILES: Record<string, string> = {
  'my-project/README.md': '# my-project\n\nA small HTTP service.\n',
  'my-project/src/server.ts': 'export const port = Number(process.env.PORT ?? 8080);\n',
  'my-repo/src/index.ts': '// TODO: handle retries\nexport const answer = 42;\n',
  'my-repo/src/index.test.ts': "import { answer } from './index.js';\nvoid answer;\n",
  'docs/authentication.md': '# Authentication\n\nUse a managed identity; never store keys.\n',
  'project/README.md': '# project\n',
  'ci/build.log': 'step 1 ok\nstep 2 ok\nerror: tests failed in src/retry.test.ts\n',
  'service/routes.ts': "export const routes = ['/health', '/orders'];\n",
  'repo/CHANGELOG.md': '# v1.2.0\n\n- retries\n',
};

/** Creates the example folders under `root`. */
export function writeExampleFixtures(root: string): void {
  for (const [path, content] of Object.entries(FILES)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  }
}

/** The answer a bot gets from the scripted model after its first command. */
export const SCRIPTED_ANSWER = 'Answered by the scripted model of the README test.';

/**
 * The scripted model: a bot (the protocol's system prompt) first runs `ls` in its sandbox, then
 * answers; a JSON-mode request gets `{"answer":"4"}`; anything else a greeting.
 */
export function exampleScript(request: ModelRequest): ScriptStep {
  const system = request.messages.find((message) => message.role === 'system')?.content ?? '';
  const last = request.messages.at(-1)?.content ?? '';
  if (system.includes('task_done')) {
    return JSON.stringify(
      last.startsWith('Exit code:')
        ? { task_done: true, thoughts: SCRIPTED_ANSWER, command: '' }
        : { task_done: false, thoughts: 'A look at the folder first.', command: 'ls' },
    );
  }
  if (JSON.stringify(request.body).includes('json_object')) return '{"answer":"4"}';
  return 'Hello from the emulator.';
}
