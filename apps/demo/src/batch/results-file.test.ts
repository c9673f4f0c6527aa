import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ResultsWriter, readRecordedResults } from './results-file.js';

let folder = '';
afterEach(() => rmSync(folder, { recursive: true, force: true }));

describe('the results file', () => {
  it('cuts off a last line a killed run left unfinished, so that its task runs again', () => {
    folder = mkdtempSync(join(tmpdir(), 'bots-results-'));
    const file = join(folder, 'results.jsonl');
    writeFileSync(
      file,
      '{"id":"a","status":"success"}\n{"id":"b","status":"failed"}\n{"id":"c","sta',
    );
    const recorded = readRecordedResults(file);
    expect([...recorded.ids]).toEqual(['a', 'b']);
    expect(recorded.repairedBytes).toBe(Buffer.byteLength('{"id":"c","sta'));
    expect(readFileSync(file, 'utf8')).toBe(
      '{"id":"a","status":"success"}\n{"id":"b","status":"failed"}\n',
    );
    const writer = new ResultsWriter(file);
    writer.record('c', 'read', { status: 'success', result: 'line\u2028break' });
    writer.close();
    const lines = readFileSync(file, 'utf8').split('\n');
    expect(lines).toHaveLength(4);
    expect(JSON.parse(lines[2]!)).toEqual({
      id: 'c',
      bot: 'read',
      status: 'success',
      result: 'line\u2028break',
    });
    expect(lines[2]).toContain('\\u2028');
    expect([...readRecordedResults(file).ids]).toEqual(['a', 'b', 'c']);
  });

  it('has nothing recorded when the file does not exist', () => {
    folder = mkdtempSync(join(tmpdir(), 'bots-results-'));
    expect(readRecordedResults(join(folder, 'none.jsonl'))).toEqual({
      ids: new Set(),
      repairedBytes: 0,
    });
  });
});
