/**
 * A scripted "model" for the sample site: a function of the conversation (usable as a script of
 * `@bots/emulator`) that reads the latest page description and picks the next browser action,
 * as a real model would: open the site, click "Catalog search", type the title, submit, answer.
 */

/** The part of a model request the script reads (the emulator's `ModelRequest` fits). */
export interface ScriptRequest {
  messages: readonly { role: string; content: string }[];
}

const reply = (thoughts: string, command: string, done = false) =>
  JSON.stringify({ task_done: done, thoughts, command });

function element(page: string, pattern: RegExp): string | undefined {
  for (const line of page.split('\n')) {
    const match = /^\[(\d+)\]\s+(.*)$/.exec(line);
    if (match?.[2] && pattern.test(match[2])) return match[1];
  }
  return undefined;
}

/** Finds the shelf of the book named in the task on the sample site. Returns the reply text. */
export function sampleSiteScript(request: ScriptRequest): string {
  const messages = request.messages;
  const task =
    messages.find((message) => message.role === 'user' && message.content.startsWith('Task:'))
      ?.content ?? '';
  const book = /book "([^"]+)"/.exec(task)?.[1] ?? 'Dune';
  const last = messages.at(-1)?.content ?? '';
  if (last.startsWith('Task:')) {
    const url = /https?:\/\/[^\s"]+/.exec(task)?.[0] ?? 'http://127.0.0.1/';
    return reply('Open the site first.', `open ${url}`);
  }
  const shelf = /is on shelf ([\w-]+)/.exec(last)?.[1];
  if (shelf) return reply(`The book "${book}" is on shelf ${shelf}.`, '', true);
  const field = element(last, /^input .*name="title"/);
  if (field) {
    if (new RegExp(`value="${book}"`).test(last)) {
      const button = element(last, /^button "Search"/);
      return reply('Submit the search.', `click ${button}`);
    }
    return reply('Type the title into the search field.', `type ${field} "${book}"`);
  }
  const catalog = element(last, /^link "Catalog search"/);
  if (catalog) return reply('The catalog has the shelves; go there.', `click ${catalog}`);
  return reply('Start over from the catalog.', 'read');
}
