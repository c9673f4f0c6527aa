import { describe, expect, test } from 'vitest';
import { capOutput, cutMarker, OutputCapper } from './cap-output.js';

describe('capOutput', () => {
  test('short output is returned as is', () => {
    expect(capOutput('hello\n', 100)).toEqual({ output: 'hello\n', truncated: false });
  });

  test('long output keeps head and tail with a marker', () => {
    const text = 'a'.repeat(50) + 'b'.repeat(1000) + 'c'.repeat(50);
    const { output, truncated } = capOutput(text, 100);
    expect(truncated).toBe(true);
    expect(output).toBe(`${'a'.repeat(50)}${cutMarker(1000)}${'c'.repeat(50)}`);
    expect(output).toContain('…[1000 characters cut]…');
  });

  test('streaming gives the same result as one piece and bounded memory', () => {
    const capper = new OutputCapper(100);
    let all = '';
    for (let index = 0; index < 10_000; index++) {
      const piece = `${index}\n`;
      all += piece;
      capper.push(piece);
    }
    expect(capper.result()).toEqual(capOutput(all, 100));
    expect(capper.totalCharacters).toBe(all.length);
  });

  test('exactly at the limit is not truncated', () => {
    expect(capOutput('x'.repeat(100), 100).truncated).toBe(false);
    expect(capOutput('x'.repeat(101), 100).truncated).toBe(true);
  });
});
