/**
 * Characters that JSON.stringify leaves as they are but a terminal acts on (C1 controls) or that
 * reorder a line (bidi controls), and the line separators that break JavaScript strings.
 */
const UNSAFE_IN_JSON = /[\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/**
 * A value as indented JSON for stdout, with every character a terminal could act on written as a
 * `\uXXXX` escape: the same JSON to any parser (those characters only occur inside strings), and
 * safe to show on a terminal. JSON.stringify already escapes the C0 controls (ESC is `\u001b`).
 */
export function jsonOutput(value: unknown): string {
  return `${escapeUnsafe(JSON.stringify(value, null, 2))}\n`;
}

/** The same as {@link jsonOutput}, on one line (a line of a JSONL file). */
export function jsonLine(value: unknown): string {
  return `${escapeUnsafe(JSON.stringify(value))}\n`;
}

function escapeUnsafe(json: string): string {
  return json.replace(
    UNSAFE_IN_JSON,
    (character) => `\\u${(character.codePointAt(0) ?? 0).toString(16).padStart(4, '0')}`,
  );
}
