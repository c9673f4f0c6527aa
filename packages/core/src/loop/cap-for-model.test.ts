import { describe, expect, it } from 'vitest';
import { capOutput as capSandboxOutput } from '../sandbox/cap-output.js';
import { capForModel } from './cap-for-model.js';

const MARKER = /\n…\[(\d+) characters cut\]…\n/;

describe('capForModel', () => {
  it('leaves short text alone', () => {
    expect(capForModel('hello', 200)).toEqual({ text: 'hello', truncated: false });
  });

  it('keeps head and tail with the sandbox marker, within the limit', () => {
    const text = `HEAD${'x'.repeat(10_000)}TAIL`;
    const capped = capForModel(text, 500);
    expect(capped.truncated).toBe(true);
    expect(capped.text.length).toBeLessThanOrEqual(500);
    expect(capped.text.startsWith('HEAD')).toBe(true);
    expect(capped.text.endsWith('TAIL')).toBe(true);
    const match = MARKER.exec(capped.text);
    expect(match).not.toBeNull();
    const omitted = Number(match?.[1]);
    expect(capped.text.length - (match?.[0].length ?? 0) + omitted).toBe(text.length);
  });

  it('counts what an earlier (sandbox) cap left out when its marker is cut away', () => {
    const original = `HEAD${'y'.repeat(100_000)}TAIL`;
    const fromSandbox = capSandboxOutput(original, 4_000).output;
    const capped = capForModel(fromSandbox, 500);
    expect(capped.text.length).toBeLessThanOrEqual(500);
    expect(capped.text.match(new RegExp(MARKER.source, 'g'))).toHaveLength(1);
    const match = MARKER.exec(capped.text);
    const omitted = Number(match?.[1]);
    expect(capped.text.length - (match?.[0].length ?? 0) + omitted).toBe(original.length);
  });
});
