import { describe, expect, it } from 'vitest';
import { correctiveMessage, parseReply } from './protocol.js';

const valid = { task_done: false, thoughts: 'list files', command: 'ls -la' };

describe('parseReply', () => {
  it('accepts a bare protocol object and trims the command', () => {
    expect(parseReply(JSON.stringify({ ...valid, command: '  ls -la \n' }))).toEqual({
      ok: true,
      reply: { taskDone: false, thoughts: 'list files', command: 'ls -la' },
    });
  });

  it('accepts a final answer with an empty command', () => {
    expect(parseReply('{"task_done": true, "thoughts": "42", "command": ""}')).toEqual({
      ok: true,
      reply: { taskDone: true, thoughts: '42', command: '' },
    });
  });

  it('accepts a code fence around the object', () => {
    const text = '```json\n' + JSON.stringify(valid) + '\n```';
    expect(parseReply(text)).toMatchObject({ ok: true, reply: { command: 'ls -la' } });
  });

  it('accepts prose before and after exactly one object', () => {
    const text = `Sure, here is my next step:\n${JSON.stringify(valid)}\nLet me know.`;
    expect(parseReply(text)).toMatchObject({ ok: true, reply: { command: 'ls -la' } });
  });

  it('is not confused by braces and quotes inside strings', () => {
    const command = `awk '{print $1}' file | grep "}{" `;
    const text = `Plan: ${JSON.stringify({ ...valid, command })} done`;
    expect(parseReply(text)).toMatchObject({ ok: true, reply: { command: command.trim() } });
  });

  it('ignores extra fields', () => {
    expect(parseReply(JSON.stringify({ ...valid, confidence: 0.9 }))).toMatchObject({ ok: true });
  });

  it.each([
    ['an empty reply', '', 'the reply was empty'],
    ['whitespace only', '  \n ', 'the reply was empty'],
    ['plain prose', 'I will list the files now.', 'not a JSON object'],
    ['a JSON array', JSON.stringify([valid]), 'an array, not an object'],
    ['a JSON string', '"ls"', 'a string ("ls"), not an object'],
    ['JSON null', 'null', 'null, not an object'],
    [
      'a truncated object',
      '{"task_done": false, "thoughts": "x", "command": "ls"',
      'not a JSON object',
    ],
    [
      'single quotes (not JSON)',
      "{'task_done': false, 'thoughts': 'x', 'command': 'ls'}",
      'not a JSON object',
    ],
    [
      'two objects',
      `${JSON.stringify(valid)}\n${JSON.stringify(valid)}`,
      'contains 2 JSON objects; send exactly one',
    ],
    [
      'two fenced objects',
      '```json\n' +
        JSON.stringify(valid) +
        '\n```\nor\n```json\n' +
        JSON.stringify(valid) +
        '\n```',
      'contains 2 JSON objects',
    ],
    [
      'a missing command',
      '{"task_done": false, "thoughts": "x"}',
      'the field "command" (string) is missing',
    ],
    [
      'a missing task_done',
      '{"thoughts": "x", "command": "ls"}',
      'the field "task_done" (boolean) is missing',
    ],
    [
      'missing everything',
      '{}',
      '"task_done" (boolean) is missing; the field "thoughts" (string) is missing',
    ],
    [
      'task_done as a string',
      '{"task_done": "false", "thoughts": "x", "command": "ls"}',
      'the field "task_done" must be a boolean, but it is a string ("false")',
    ],
    [
      'command as an array',
      '{"task_done": false, "thoughts": "x", "command": ["ls"]}',
      'the field "command" must be a string, but it is an array',
    ],
    [
      'thoughts as a number',
      '{"task_done": false, "thoughts": 3, "command": "ls"}',
      'the field "thoughts" must be a string, but it is a number (3)',
    ],
    [
      'done with a command',
      '{"task_done": true, "thoughts": "done", "command": "rm -rf x"}',
      '"task_done" is true but "command" is not empty',
    ],
    [
      'done with an empty answer',
      '{"task_done": true, "thoughts": " ", "command": ""}',
      '"task_done" is true but "thoughts" is empty',
    ],
    [
      'not done with an empty command',
      '{"task_done": false, "thoughts": "hmm", "command": "  "}',
      '"task_done" is false but "command" is empty',
    ],
  ])('rejects %s', (_label, text, problem) => {
    const parsed = parseReply(text);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.problem).toContain(problem);
  });
});

describe('correctiveMessage', () => {
  it('names the problem, the shape and the attempt count', () => {
    const message = correctiveMessage('the field "command" (string) is missing', 2, 3);
    expect(message).toContain(
      'Your last reply could not be used: the field "command" (string) is missing.',
    );
    expect(message).toContain('{"task_done": boolean, "thoughts": string, "command": string}');
    expect(message).toContain('Format correction 2 of 3');
  });
});
