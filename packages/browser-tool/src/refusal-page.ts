/** The page a refused navigation shows: the reason, HTML-escaped. */
export function refusalPage(reason: string): string {
  const text = reason.replace(/[&<>"]/g, (character) => `&#${character.charCodeAt(0)};`);
  return `<!doctype html><title>Refused by the browser's host rule</title><h1>Refused by the browser's host rule</h1><p>${text}</p>`;
}
