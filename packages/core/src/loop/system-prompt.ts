import { posix } from 'node:path';
import type { Mount } from '../environment.js';
import { REPLY_SHAPE } from './protocol.js';
import type { BotTool } from './tool.js';

/** What the system prompt tells the model about its sandbox and its tools. */
export interface SystemPromptOptions {
  /** The bot's role and task-specific instructions, appended after the protocol. */
  instructions?: string;
  /** Folders of the host visible in the sandbox. */
  mounts?: readonly Mount[];
  /** Single files of the user shown in the sandbox (read-only), e.g. a log file. */
  files?: readonly { sandboxPath: string; description?: string }[];
  /** The per-command timeout, in milliseconds. */
  commandTimeoutMs: number;
  /** The most characters of output the model receives per command. */
  maxOutputChars: number;
  /** Tools the model may call. */
  tools?: readonly BotTool[];
}

/** Where a mount appears inside the sandbox (`/workdir/<basename>` unless given). */
export function sandboxPathOf(mount: Mount): string {
  return mount.sandboxPath ?? posix.join('/workdir', posix.basename(mount.hostPath));
}

/** Builds the system prompt: the reply protocol, the sandbox, the tools, then the instructions. */
export function buildSystemPrompt(options: SystemPromptOptions): string {
  const seconds = formatSeconds(options.commandTimeoutMs);
  const sections: string[] = [
    [
      'You complete tasks by running shell commands in a sandboxed Linux shell, one command per reply.',
      '',
      '## Reply format',
      `Every reply is exactly one JSON object and nothing else: ${REPLY_SHAPE}`,
      '- To run a command: {"task_done": false, "thoughts": "<why you run it>", "command": "<one shell command>"}.',
      '  You then receive its exit code and output, and reply again.',
      '- When the task is done: {"task_done": true, "thoughts": "<the complete answer>", "command": ""}.',
      '  "thoughts" is then the answer given to the user, so make it complete and self-contained.',
      '- No prose or code fences around the object. A reply that breaks this format is sent back with a correction.',
    ].join('\n'),
    [
      '## Sandbox',
      '- A persistent bash shell: `cd` and `export` carry over to the next command. Commands are non-interactive (no editors, no pagers, no prompts); use flags such as `-y` and pipe long listings through `head`.',
      `- Each command is killed after ${seconds} and then reported with exit code 124.`,
      `- You see at most ${options.maxOutputChars} characters of each command's output; longer output keeps its beginning and end with a marker in between, so filter with grep, head, tail, sed -n or wc.`,
      '- There is no network access unless the task says otherwise.',
      ...describeMounts(options.mounts ?? []),
      ...(options.files ?? []).map(
        (file) =>
          `- The file ${file.sandboxPath}${file.description ? ` (${file.description})` : ''} is in the sandbox; changes to it never reach the user's file.`,
      ),
    ].join('\n'),
  ];
  const tools = options.tools ?? [];
  if (tools.length > 0) {
    sections.push(
      [
        '## Tools',
        'Besides shell commands you can call these tools: put the call in "command" as shown; the tool runs instead of the shell and you receive its exit code and output.',
        ...tools.map((tool) => `- \`${tool.usage ?? tool.name}\`: ${tool.description}`),
      ].join('\n'),
    );
  }
  const instructions = options.instructions?.trim();
  if (instructions) sections.push(`## Your role\n${instructions}`);
  return sections.join('\n\n');
}

function describeMounts(mounts: readonly Mount[]): string[] {
  if (mounts.length === 0) return ['- No folder of the host is mounted.'];
  return mounts.map((mount) => {
    const path = sandboxPathOf(mount);
    return (mount.mode ?? 'read-only') === 'read-write'
      ? `- ${path} is a folder mounted read-write: your changes there are saved to the user's folder.`
      : `- ${path} is a folder mounted read-only: you may change files there, but changes are thrown away when the sandbox stops and the user's folder never changes.`;
  });
}

function formatSeconds(milliseconds: number): string {
  const seconds = milliseconds / 1000;
  return `${Number.isInteger(seconds) ? seconds : seconds.toFixed(1)} s`;
}
