import { describe, expect, test } from 'vitest';
import { terminalSafe, withoutEscapes } from './terminal-text.js';

describe('terminalSafe', () => {
  test('shows every control character visibly but newline and tab', () => {
    expect(terminalSafe('a\u001b]0;title\u0007b')).toBe('a␛]0;title␇b');
    expect(terminalSafe('x\u0000\u0008\u007f')).toBe('x␀␈␡');
    expect(terminalSafe('one\ttwo\nthree')).toBe('one\ttwo\nthree');
    expect(terminalSafe('over\rwrite')).toBe('over␍write');
    expect(terminalSafe('crlf\r\nline')).toBe('crlf\nline');
  });

  test('C1 controls and bidi controls become \\uXXXX', () => {
    expect(terminalSafe('\u009b31m')).toBe('\\u009b31m');
    expect(terminalSafe('\u202eabc\u2066\u200f')).toBe('\\u202eabc\\u2066\\u200f');
  });

  test('leaves ordinary text alone, other scripts and emoji included', () => {
    const text = 'Grüße, 日本語, עברית, 🙂 — “quotes” …';
    expect(terminalSafe(text)).toBe(text);
  });
});

describe('withoutEscapes', () => {
  test('drops colour, cursor and OSC sequences, then shows what is left', () => {
    expect(withoutEscapes('\u001b[33mGet:1\u001b[0m http://deb \u001b]0;t\u0007done\u0007')).toBe(
      'Get:1 http://deb done␇',
    );
    expect(withoutEscapes('\u009b2Kx')).toBe('x');
  });
});
