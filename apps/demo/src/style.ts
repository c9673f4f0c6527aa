import { randomBytes } from 'node:crypto';

/**
 * Stands for the CSI introducer (`ESC [`) of the CLI's own colours until a writer renders it. It
 * is random for each process, so that text from the model or the sandbox, which the writer makes
 * safe first (see `terminalSafe`), cannot forge it: the only escape sequences that reach the
 * terminal are these colours.
 */
const STYLE_MARK = `\u{E000}${randomBytes(8).toString('hex')}\u{E001}`;
const STYLE_SEQUENCE = new RegExp(`${STYLE_MARK}\\d+m`, 'g');

/** ANSI styles, or none. */
export interface Style {
  dim(text: string): string;
  bold(text: string): string;
  red(text: string): string;
  green(text: string): string;
  yellow(text: string): string;
}

/** The CLI's styles; with `color` false they leave the text as it is. */
export function style(color: boolean): Style {
  const wrap = (open: number, close: number) => (text: string) =>
    color ? `${STYLE_MARK}${open}m${text}${STYLE_MARK}${close}m` : text;
  return {
    dim: wrap(2, 22),
    bold: wrap(1, 22),
    red: wrap(31, 39),
    green: wrap(32, 39),
    yellow: wrap(33, 39),
  };
}

/** Turns the styles in text into ANSI colours (`enabled`), or drops them (a pipe, `NO_COLOR`). */
export function renderStyles(text: string, enabled: boolean): string {
  return enabled ? text.replaceAll(STYLE_MARK, '\u001b[') : text.replace(STYLE_SEQUENCE, '');
}

/**
 * Whether a stream gets colours: a terminal, unless `NO_COLOR` is set or `TERM=dumb`;
 * `FORCE_COLOR` (anything but `0`) turns them on anywhere.
 */
export function colorEnabled(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv): boolean {
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0') return true;
  return Boolean(stream.isTTY) && !env.NO_COLOR && env.TERM !== 'dumb';
}
