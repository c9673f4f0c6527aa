import { describe, expect, it } from 'vitest';
import { capOutput } from './cap-output.js';

describe('capOutput', () => {
  it('leaves short text alone', () => {
    expect(capOutput('hello', 200)).toEqual({ text: 'hello', truncated: false });
  });

  it('keeps head and tail with a marker, within the limit', () => {
    const text = `HEAD${'x'.repeat(10_000)}TAIL`;
    const capped = capOutput(text, 500);
    expect(capped.truncated).toBe(true);
    expect(capped.text.length).toBeLessThanOrEqual(500);
    expect(capped.text.startsWith('HEAD')).toBe(true);
    expect(capped.text.endsWith('TAIL')).toBe(true);
    const omitted = Number(/\[\.\.\. (\d+) characters omitted \.\.\.\]/.exec(capped.text)?.[1]);
    const marker = `\n[... ${omitted} characters omitted ...]\n`;
    expect(capped.text.length - marker.length + omitted).toBe(text.length);
  });
});
