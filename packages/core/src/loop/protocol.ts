/** One reply of the model, in the loop's protocol. */
export interface ModelReply {
  /** True when the task is finished: `command` is empty and `thoughts` is the answer. */
  taskDone: boolean;
  /** The model's reasoning, or the answer when `taskDone` is true. */
  thoughts: string;
  /** The shell command (or tool call) to run next; empty when `taskDone` is true. */
  command: string;
}

/** What `parseReply` found: a usable reply, or the problem to tell the model about. */
export type ParsedReply = { ok: true; reply: ModelReply } | { ok: false; problem: string };

/** The shape every reply must have, as shown to the model. */
export const REPLY_SHAPE = '{"task_done": boolean, "thoughts": string, "command": string}';

/**
 * Parses one model reply. The reply must be exactly one JSON object of the protocol's shape. Code
 * fences and prose around it are tolerated only when exactly one JSON object can be found in the
 * text. Pure: no I/O, no state.
 */
export function parseReply(text: string): ParsedReply {
  const trimmed = text.trim();
  if (trimmed === '') return { ok: false, problem: 'the reply was empty' };
  const object = extractObject(trimmed);
  if (!object.ok) return object;
  return checkFields(object.value);
}

function extractObject(
  text: string,
): { ok: true; value: unknown } | { ok: false; problem: string } {
  const whole = tryParse(text);
  if (whole.ok) {
    if (isPlainObject(whole.value)) return whole;
    return { ok: false, problem: `the reply is JSON but ${describe(whole.value)}, not an object` };
  }
  const objects = findJsonObjects(text);
  if (objects.length === 1) return { ok: true, value: objects[0] };
  if (objects.length > 1) {
    return {
      ok: false,
      problem: `the reply contains ${objects.length} JSON objects; send exactly one`,
    };
  }
  return { ok: false, problem: 'the reply is not a JSON object (no parsable JSON object found)' };
}

function checkFields(value: unknown): ParsedReply {
  const record = value as Record<string, unknown>;
  const problems: string[] = [];
  const expected = [
    ['task_done', 'boolean'],
    ['thoughts', 'string'],
    ['command', 'string'],
  ] as const;
  for (const [key, type] of expected) {
    if (!(key in record)) problems.push(`the field "${key}" (${type}) is missing`);
    else if (typeof record[key] !== type) {
      problems.push(`the field "${key}" must be a ${type}, but it is ${describe(record[key])}`);
    }
  }
  if (problems.length > 0) return { ok: false, problem: problems.join('; ') };
  const reply: ModelReply = {
    taskDone: record.task_done as boolean,
    thoughts: record.thoughts as string,
    command: (record.command as string).trim(),
  };
  if (reply.taskDone && reply.command !== '') {
    return {
      ok: false,
      problem:
        '"task_done" is true but "command" is not empty; when the task is done, "command" must be "" and "thoughts" holds the answer (to run a command first, set "task_done" to false)',
    };
  }
  if (reply.taskDone && reply.thoughts.trim() === '') {
    return {
      ok: false,
      problem: '"task_done" is true but "thoughts" is empty; "thoughts" must hold the answer',
    };
  }
  if (!reply.taskDone && reply.command === '') {
    return {
      ok: false,
      problem:
        '"task_done" is false but "command" is empty; give the next command to run, or set "task_done" to true with the answer in "thoughts"',
    };
  }
  return { ok: true, reply };
}

/** Every top-level balanced `{...}` span of the text that parses as a JSON object. */
function findJsonObjects(text: string): unknown[] {
  const found: unknown[] = [];
  let index = 0;
  while (index < text.length) {
    const start = text.indexOf('{', index);
    if (start === -1) break;
    const end = matchingBrace(text, start);
    if (end === -1) {
      index = start + 1;
      continue;
    }
    const parsed = tryParse(text.slice(start, end + 1));
    if (parsed.ok && isPlainObject(parsed.value)) {
      found.push(parsed.value);
      index = end + 1;
    } else {
      index = start + 1;
    }
  }
  return found;
}

/** Index of the brace closing the one at `start`, skipping braces inside JSON strings; -1 if none. */
function matchingBrace(text: string, start: number): number {
  let depth = 0;
  let inString = false;
  for (let index = start; index < text.length; index++) {
    const character = text[index];
    if (inString) {
      if (character === '\\') index++;
      else if (character === '"') inString = false;
    } else if (character === '"') inString = true;
    else if (character === '{') depth++;
    else if (character === '}') {
      depth--;
      if (depth === 0) return index;
    }
  }
  return -1;
}

function tryParse(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `a string (${JSON.stringify(truncate(value, 40))})`;
  if (typeof value === 'object') return 'an object';
  return `a ${typeof value} (${String(value)})`;
}

function truncate(text: string, length: number): string {
  return text.length <= length ? text : `${text.slice(0, length)}…`;
}

/** The message sent back to the model after a reply that broke the protocol. */
export function correctiveMessage(problem: string, attempt: number, maxAttempts: number): string {
  return [
    `Your last reply could not be used: ${problem}.`,
    `Reply with exactly one JSON object of the shape ${REPLY_SHAPE} and nothing else.`,
    'To run a command: {"task_done": false, "thoughts": "<why>", "command": "<shell command>"}.',
    'When the task is done: {"task_done": true, "thoughts": "<the answer>", "command": ""}.',
    `(Format correction ${attempt} of ${maxAttempts}; after that the run fails.)`,
  ].join('\n');
}
