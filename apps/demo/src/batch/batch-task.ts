import { existsSync, statSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { parseModel } from '@bots/providers';

/** The bots a batch line can name, and what each works on. */
export const BATCH_BOTS = {
  read: { target: 'folder', label: 'ReadingBot' },
  write: { target: 'folder', label: 'WritingBot' },
  logs: { target: 'file', label: 'LogAnalysisBot' },
  run: { target: 'folder?', label: 'MicroBot' },
} as const;

/** A bot a batch line can name: `read`, `write`, `logs` or `run`. */
export type BatchBot = keyof typeof BATCH_BOTS;

/** One task of a batch, checked. */
export interface BatchTask {
  /** The line's `id`, as a string (numbers are accepted and kept as their decimal form). */
  id: string;
  bot: BatchBot;
  /** The folder (`read`, `write`, `run`) or log file (`logs`), absolute. */
  path: string | undefined;
  task: string;
  /** The line's own model, if any. */
  model: string | undefined;
  /** The line number in the tasks file, from 1. */
  line: number;
}

/** A line that cannot run, and why (the reason says how to fix it). */
export interface BadLine {
  line: number;
  reason: string;
}

const FIELDS = new Set(['id', 'bot', 'folder', 'file', 'task', 'model']);
const BOT_NAMES = Object.keys(BATCH_BOTS).join(', ');

/**
 * Checks one line of a tasks file: `{"id", "bot", "folder" | "file", "task", "model"?}`. Relative
 * paths are resolved against `base` (the tasks file's folder). Returns the task or the reason.
 */
export function parseTaskLine(text: string, line: number, base: string): BatchTask | BadLine {
  const bad = (reason: string): BadLine => ({ line, reason });
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return bad(
      'not valid JSON; each line is one JSON object such as {"id": "a", "bot": "read", "folder": "./docs", "task": "..."}',
    );
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return bad('not a JSON object; each line is one object with id, bot, folder or file, task');
  }
  const fields = value as Record<string, unknown>;
  const unknown = Object.keys(fields).filter((name) => !FIELDS.has(name));
  if (unknown.length > 0) {
    return bad(
      `unknown field ${unknown.map((name) => JSON.stringify(name)).join(', ')}; the fields are id, bot, folder, file, task, model`,
    );
  }
  const { id, bot, folder, file, task, model } = fields;
  let key: string;
  if (typeof id === 'string' && id.trim() !== '') key = id;
  else if (typeof id === 'number' && Number.isSafeInteger(id)) key = String(id);
  else
    return bad(
      '"id" must be a non-empty string (or an integer) that names the task in results.jsonl',
    );
  if (typeof bot !== 'string' || !Object.hasOwn(BATCH_BOTS, bot)) {
    return bad(
      `"bot" must be one of ${BOT_NAMES}${bot === undefined ? '' : `, not ${JSON.stringify(bot)}`}`,
    );
  }
  const kind = bot as BatchBot;
  if (typeof task !== 'string' || task.trim() === '') {
    return bad(`"task" must be a non-empty string: what the ${BATCH_BOTS[kind].label} should do`);
  }
  if (model !== undefined) {
    if (typeof model !== 'string')
      return bad('"model" must be a string such as "azure-openai/gpt-4o"');
    try {
      parseModel(model);
    } catch (error) {
      return bad(`"model": ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  const target = BATCH_BOTS[kind].target;
  const wanted = target === 'file' ? 'file' : 'folder';
  const other = wanted === 'file' ? 'folder' : 'file';
  if (fields[other] !== undefined) {
    return bad(`"${other}" does not apply to bot "${kind}"; give "${wanted}"`);
  }
  const given = wanted === 'file' ? file : folder;
  if (given === undefined) {
    if (target === 'folder?') return { id: key, bot: kind, path: undefined, task, model, line };
    return bad(
      `bot "${kind}" needs "${wanted}": the ${wanted} to ${kind === 'logs' ? 'analyse' : kind}`,
    );
  }
  if (typeof given !== 'string' || given === '') return bad(`"${wanted}" must be a path`);
  const path = isAbsolute(given) ? given : resolve(base, given);
  if (!existsSync(path))
    return bad(`no such ${wanted}: ${given} (paths are relative to the tasks file)`);
  const isFolder = statSync(path).isDirectory();
  if (wanted === 'folder' && !isFolder) return bad(`"folder" ${given} is a file; give a folder`);
  if (wanted === 'file' && isFolder) return bad(`"file" ${given} is a folder; give one log file`);
  return { id: key, bot: kind, path, task, model: model as string | undefined, line };
}

/** Whether a parsed line is a task. */
export function isTask(value: BatchTask | BadLine): value is BatchTask {
  return 'id' in value;
}
