import type { Page } from 'playwright-core';
import { ELEMENT_ATTRIBUTE } from './page-snapshot.js';

/** The browser commands the model may use, as shown in the system prompt. */
export const BROWSER_COMMANDS = [
  'open <url>            load a page (http:// or https://)',
  'click <n>             click element [n] of the last page description',
  'type <n> <text>       replace the value of field [n] with <text> (quotes optional)',
  'press <key>           press a key in the focused element, e.g. press Enter',
  'select <n> <option>   choose an option of select [n]',
  'scroll down | scroll up',
  'read                  the whole text of the page',
  'back                  go back one page',
] as const;

/** A parsed browser command. */
export type BrowserAction =
  | { kind: 'open'; url: string }
  | { kind: 'click'; element: string }
  | { kind: 'type'; element: string; text: string }
  | { kind: 'press'; key: string }
  | { kind: 'select'; element: string; option: string }
  | { kind: 'scroll'; direction: 'up' | 'down' }
  | { kind: 'read' }
  | { kind: 'back' };

function unquote(text: string): string {
  const trimmed = text.trim();
  if (
    trimmed.length >= 2 &&
    (trimmed[0] === '"' || trimmed[0] === "'") &&
    trimmed.at(-1) === trimmed[0]
  )
    return trimmed.slice(1, -1);
  return trimmed;
}

function elementNumber(text: string): string | undefined {
  const match = /^\[?(\d+)\]?$/.exec(text.trim());
  return match?.[1];
}

/** Parses a command, or returns a sentence saying what is wrong. */
export function parseBrowserCommand(command: string): BrowserAction | string {
  const trimmed = command.trim();
  const space = trimmed.search(/\s/);
  const verb = (space < 0 ? trimmed : trimmed.slice(0, space)).toLowerCase();
  const rest = space < 0 ? '' : trimmed.slice(space + 1).trim();
  switch (verb) {
    case 'open':
    case 'goto': {
      const url = unquote(rest);
      if (!/^https?:\/\//i.test(url)) return 'open needs a URL starting with http:// or https://';
      return { kind: 'open', url };
    }
    case 'click': {
      const element = elementNumber(rest);
      return element ? { kind: 'click', element } : 'click needs an element number, e.g. click 3';
    }
    case 'type':
    case 'fill': {
      const match = /^\[?(\d+)\]?\s+([\s\S]*)$/.exec(rest);
      if (!match?.[1]) return 'type needs an element number and a text, e.g. type 2 "hello"';
      return { kind: 'type', element: match[1], text: unquote(match[2] ?? '') };
    }
    case 'select': {
      const match = /^\[?(\d+)\]?\s+([\s\S]+)$/.exec(rest);
      if (!match?.[1]) return 'select needs an element number and an option, e.g. select 4 "Blue"';
      return { kind: 'select', element: match[1], option: unquote(match[2] ?? '') };
    }
    case 'press':
      return rest ? { kind: 'press', key: unquote(rest) } : 'press needs a key, e.g. press Enter';
    case 'scroll':
      return { kind: 'scroll', direction: /^up/i.test(rest) ? 'up' : 'down' };
    case 'read':
      return { kind: 'read' };
    case 'back':
      return { kind: 'back' };
    default:
      return `unknown command "${verb}"; use one of: open, click, type, press, select, scroll, read, back`;
  }
}

/** Runs one action on the page. Throws with a short message when it cannot. */
export async function performAction(
  page: Page,
  action: BrowserAction,
  timeoutMs: number,
): Promise<void> {
  const element = (id: string) => page.locator(`[${ELEMENT_ATTRIBUTE}="${id}"]`).first();
  switch (action.kind) {
    case 'open':
      await page.goto(action.url, { waitUntil: 'domcontentloaded', timeout: timeoutMs });
      return;
    case 'click':
      await element(action.element).click({ timeout: timeoutMs });
      await settle(page, timeoutMs);
      return;
    case 'type':
      await element(action.element).fill(action.text, { timeout: timeoutMs });
      return;
    case 'select':
      await element(action.element).selectOption({ label: action.option }, { timeout: timeoutMs });
      return;
    case 'press': {
      // Through the focused element, so that playwright waits for a navigation the key starts
      // (Enter submitting a form): page.keyboard.press returns before that navigation, and the
      // page read next would be the old one.
      const focused = page.locator('*:focus');
      if ((await focused.count()) > 0)
        await focused.first().press(action.key, { timeout: timeoutMs });
      else await page.keyboard.press(action.key);
      await settle(page, timeoutMs);
      return;
    }
    case 'scroll':
      await page.mouse.wheel(0, action.direction === 'down' ? 800 : -800);
      return;
    case 'back':
      await page.goBack({ waitUntil: 'domcontentloaded', timeout: timeoutMs });
      return;
    case 'read':
      return;
  }
}

async function settle(page: Page, timeoutMs: number): Promise<void> {
  try {
    await page.waitForLoadState('domcontentloaded', { timeout: Math.min(timeoutMs, 10_000) });
  } catch {
    // A click that navigates nowhere is fine.
  }
}
