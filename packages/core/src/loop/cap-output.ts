/** Default number of characters of command output sent to the model. */
export const DEFAULT_MAX_OUTPUT_CHARS = 8_000;

/** Text cut to a maximum length. */
export interface CappedText {
  /** The text, or its head and tail with a marker in between. */
  text: string;
  /** True when characters were left out. */
  truncated: boolean;
}

/**
 * Caps text at `maxChars` characters, keeping the head and the tail (where errors and summaries
 * usually are) with a marker in between that says how much was left out. Pure.
 */
export function capOutput(text: string, maxChars: number = DEFAULT_MAX_OUTPUT_CHARS): CappedText {
  if (text.length <= maxChars) return { text, truncated: false };
  const omittedEstimate = text.length - maxChars;
  const marker = `\n[... ${omittedEstimate} characters omitted ...]\n`;
  const room = Math.max(0, maxChars - marker.length);
  const headLength = Math.ceil(room / 2);
  const tailLength = room - headLength;
  const omitted = text.length - headLength - tailLength;
  const exactMarker = `\n[... ${omitted} characters omitted ...]\n`;
  const tail = tailLength > 0 ? text.slice(text.length - tailLength) : '';
  return { text: text.slice(0, headLength) + exactMarker + tail, truncated: true };
}
