import { capOutput as capSandboxOutput, cutMarker } from '../sandbox/cap-output.js';

/** Default number of characters of command output sent to the model. */
export const DEFAULT_MAX_OUTPUT_CHARS = 8_000;

/** Text cut to a maximum length. */
export interface CappedText {
  /** The text, or its head and tail with a marker in between. */
  text: string;
  /** True when characters were left out. */
  truncated: boolean;
}

/** A marker of `cutMarker`, as it appears in text that was capped before (by the sandbox). */
const EARLIER_MARKER = /\n…\[(\d+) characters cut\]…\n/;
const EARLIER_MARKERS = new RegExp(EARLIER_MARKER.source, 'g');

/**
 * Caps text at `maxChars` characters (the marker included), keeping the head and the tail (where
 * errors and summaries usually are) with the sandbox's marker `…[N characters cut]…` in between,
 * so the model sees one marker style whoever cut. When the cut removes a marker of an earlier cap
 * (the sandbox's own), the characters that marker stood for are counted in N. Pure.
 */
export function capForModel(text: string, maxChars: number = DEFAULT_MAX_OUTPUT_CHARS): CappedText {
  if (text.length <= maxChars) return { text, truncated: false };
  // The sandbox's capper keeps `limit` characters plus the marker: leave room for the longest
  // marker this text can get, so the result stays within maxChars.
  const longestMarker = cutMarker(text.length + Math.max(0, hiddenBehindMarkers(text))).length;
  const room = Math.max(2, maxChars - longestMarker);
  const headLength = Math.ceil(room / 2);
  const tailLength = room - headLength;
  const middle = text.slice(headLength, text.length - tailLength);
  if (!EARLIER_MARKER.test(middle)) {
    return { text: capSandboxOutput(text, room).output, truncated: true };
  }
  const hidden = hiddenBehindMarkers(middle);
  const cut = text.length - room + hidden;
  return {
    text: text.slice(0, headLength) + cutMarker(cut) + text.slice(text.length - tailLength),
    truncated: true,
  };
}

/** Characters that earlier markers in `text` stand for, minus the markers' own length. */
function hiddenBehindMarkers(text: string): number {
  let hidden = 0;
  for (const match of text.matchAll(EARLIER_MARKERS)) hidden += Number(match[1]) - match[0].length;
  return hidden;
}
