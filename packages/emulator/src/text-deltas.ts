/** The most characters (code points) one streamed delta carries. */
const MAX_DELTA_LENGTH = 12;

/**
 * Splits text into the pieces a stream sends: a word with the spaces after it, long words cut
 * every few characters (never inside a code point). Joined, the pieces are the text; no text, no
 * pieces.
 */
export function textDeltas(text: string): string[] {
  const pieces: string[] = [];
  for (const word of text.match(/\s*\S+\s*|\s+/g) ?? []) {
    const characters = Array.from(word);
    for (let start = 0; start < characters.length; start += MAX_DELTA_LENGTH) {
      pieces.push(characters.slice(start, start + MAX_DELTA_LENGTH).join(''));
    }
  }
  return pieces;
}
