import { describe, expect, it } from 'vitest';
import { formatStepLine, LineSplitter, parseFinalResult, parseStepLine } from './agent-output.js';

describe('parseFinalResult', () => {
  it('takes the last marker, in any case, and keeps a multi-line answer', () => {
    const output = [
      'Browser started (120 ms)',
      'Final Result: an early guess',
      'final result: shelf B-42',
      'second line of the answer',
    ].join('\n');
    expect(parseFinalResult(output)).toBe('shelf B-42\nsecond line of the answer');
    expect(parseFinalResult('FINAL RESULT:42')).toBe('42');
  });
  it('is undefined without a marker, and ignores the marker inside a line', () => {
    expect(parseFinalResult('no answer here')).toBeUndefined();
    expect(parseFinalResult('the page says Final Result: x')).toBeUndefined();
  });
  it('drops step lines printed after the marker', () => {
    const step = formatStepLine({
      index: 3,
      kind: 'answer',
      thoughts: 't',
      command: '',
      modelDurationMs: 1,
    });
    expect(parseFinalResult(`Final Result: yes\n${step}`)).toBe('yes');
  });
});

describe('step lines', () => {
  it('round-trip and redact JWTs', () => {
    const jwt = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJlc2lnbmF0dXJl';
    const line = formatStepLine({
      index: 0,
      kind: 'command',
      thoughts: `token ${jwt}`,
      command: 'open http://127.0.0.1/',
      exitCode: 0,
      modelDurationMs: 5,
    });
    expect(line).not.toContain(jwt);
    expect(parseStepLine(line)).toMatchObject({ index: 0, kind: 'command', exitCode: 0 });
    expect(parseStepLine('plain line')).toBeUndefined();
    expect(parseStepLine('[browser-step] {not json')).toBeUndefined();
  });
  it('LineSplitter joins chunks into lines', () => {
    const lines: string[] = [];
    const splitter = new LineSplitter((line) => lines.push(line));
    splitter.push('a\r\nb');
    splitter.push('c\nd');
    splitter.end();
    expect(lines).toEqual(['a', 'bc', 'd']);
  });
});

describe('runBrowserTask before anything starts', () => {
  it('reports a missing credential as a failed run with a MissingCredentialsError (a ConfigurationError)', async () => {
    const { runBrowserTask } = await import('./run-browser-task.js');
    const result = await runBrowserTask('open a page', {
      model: 'azure-openai/gpt-4o',
      env: { OPEN_AI_END_POINT: 'http://127.0.0.1:9', OPEN_AI_API_VERSION: '2024-10-21' },
    });
    expect(result.status).toBe('failed');
    expect(result.error?.name).toBe('MissingCredentialsError');
    expect(result.error?.message).toMatch(/AZURE_AUTH_METHOD=azure_ad/);
    await expect(runBrowserTask('  ')).rejects.toThrow(/empty/);
  });
});
