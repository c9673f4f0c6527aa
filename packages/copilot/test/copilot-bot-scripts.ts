import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ModelRequest, ScriptStep } from '@bots/emulator';

/** The tool results the model was sent so far, in order (the shell's raw output). */
export function toolResults(request: ModelRequest): string[] {
  return request.messages.filter((message) => message.role === 'tool').map((m) => m.content);
}

/**
 * A model script that makes the Copilot agent run `commands` one by one through its `bash` tool,
 * then answers with `answer(results)`. Records every tool result it was sent in `seen`.
 */
export function shellScript(
  commands: readonly string[],
  answer: (results: string[]) => string,
): { script: (request: ModelRequest) => ScriptStep; seen: string[][]; offered: string[][] } {
  const seen: string[][] = [];
  const offered: string[][] = [];
  const script = (request: ModelRequest): ScriptStep => {
    const results = toolResults(request);
    seen.push(results);
    offered.push(request.tools);
    const next = commands[results.length];
    if (next === undefined) return answer(results);
    if (!request.tools.includes('bash')) return `no bash tool offered: ${request.tools.join(', ')}`;
    return {
      toolCalls: [{ name: 'bash', arguments: { command: next, description: 'scripted step' } }],
    };
  };
  return { script, seen, offered };
}

/** A fresh folder with two files; `snapshot()` reads every file's content. */
export function sampleFolder(): {
  path: string;
  snapshot(): Record<string, string>;
  remove(): void;
} {
  const path = mkdtempSync(join(tmpdir(), 'copilot-bot-folder-'));
  writeFileSync(join(path, 'readme.txt'), 'The answer is in the sandbox.\n');
  writeFileSync(join(path, 'other.txt'), 'keep me\n');
  return {
    path,
    snapshot: () =>
      Object.fromEntries(
        readdirSync(path)
          .sort()
          .map((name) => [name, readFileSync(join(path, name), 'utf8')]),
      ),
    remove: () => rmSync(path, { recursive: true, force: true }),
  };
}

export function nonce(): string {
  return randomBytes(8).toString('hex');
}
