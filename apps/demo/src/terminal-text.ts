/**
 * Characters a terminal acts on instead of showing: the C0 controls but newline and tab (ESC
 * starts escape sequences: `ESC]52` writes the clipboard, `ESC]0` the window title, CSI moves the
 * cursor and clears the screen; CR and backspace overwrite what was printed), DEL, the C1 controls
 * (U+0080-U+009F; U+009B is a one-character CSI) and the bidirectional overrides and isolates that
 * reorder what is shown (U+061C, U+200E, U+200F, U+202A-U+202E, U+2066-U+2069).
 */
const ACTIVE_CHARACTER =
  /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** The escape sequences of terminals: CSI (`ESC [ ... final`), OSC (`ESC ] ... BEL|ST`), two-byte ones. */
const ESCAPE_SEQUENCE = new RegExp(
  [
    '\\u001b\\[[\\u0030-\\u003f]*[\\u0020-\\u002f]*[\\u0040-\\u007e]',
    '\\u009b[\\u0030-\\u003f]*[\\u0020-\\u002f]*[\\u0040-\\u007e]',
    '\\u001b[\\]PX^_][^\\u0007\\u001b\\u009c]*(?:\\u0007|\\u001b\\\\|\\u009c)?',
    '\\u001b[\\u0020-\\u002f]*[\\u0030-\\u007e]',
  ].join('|'),
  'g',
);

function visible(character: string): string {
  const code = character.codePointAt(0) ?? 0;
  // C0 controls have a picture of their own: ESC is shown as ␛, BEL as ␇, CR as ␍.
  if (code < 0x20) return String.fromCodePoint(0x2400 + code);
  if (code === 0x7f) return '\u2421';
  return `\\u${code.toString(16).padStart(4, '0')}`;
}

/**
 * Text that came from outside the CLI (the model's thoughts, commands and answer, a command's
 * output, a container's or a server's messages), made safe to write to a terminal: every
 * character a terminal would act on is shown as a visible stand-in instead (ESC as `␛`, BEL as
 * `␇`, CR as `␍`, a C1 control or a bidi override as `\u009b`, `\u202e`), so the text reads the
 * same and nothing in it can write the clipboard, retitle the window, move the cursor or reorder
 * a line. Newlines and tabs stay; a CRLF line end becomes LF.
 */
export function terminalSafe(text: string): string {
  return text.replace(/\r\n/g, '\n').replace(ACTIVE_CHARACTER, visible);
}

/**
 * Like {@link terminalSafe}, but escape sequences are dropped rather than shown: for logs whose
 * colours and cursor moves are noise (apt output in an image build), not a message.
 */
export function withoutEscapes(text: string): string {
  return terminalSafe(text.replace(ESCAPE_SEQUENCE, ''));
}
