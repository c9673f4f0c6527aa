import type { Page } from 'playwright-core';

/** What the model sees of a page after each action. */
export interface PageSnapshot {
  url: string;
  title: string;
  text: string;
  elements: string[];
}

/** Attribute that numbers the interactive elements of the page for `click <n>` / `type <n>`. */
export const ELEMENT_ATTRIBUTE = 'data-bots-id';

/**
 * Numbers the page's visible interactive elements (links, buttons, inputs, selects, text areas)
 * and returns the visible text and one line per element. Runs in the page.
 */
export async function snapshotPage(page: Page, maxTextChars: number): Promise<PageSnapshot> {
  try {
    return await readPage(page, maxTextChars);
  } catch (error) {
    // A navigation replaced the document while it was read (a script's redirect, a late form
    // result): read the new one once it has loaded.
    if (!/Execution context was destroyed|navigat/i.test(String((error as Error)?.message)))
      throw error;
    await page.waitForLoadState('domcontentloaded', { timeout: 10_000 }).catch(() => undefined);
    return readPage(page, maxTextChars);
  }
}

async function readPage(page: Page, maxTextChars: number): Promise<PageSnapshot> {
  const data = await page.evaluate(
    ({ attribute, maxChars }) => {
      const selector =
        'a[href], button, input:not([type=hidden]), select, textarea, [role=button], [role=link], [onclick]';
      const lines: string[] = [];
      let next = 1;
      // innerText on purpose: the text as rendered (hidden parts left out), as a user reads it.
      // biome-ignore lint/performance/useDomNodeTextContent: rendered text is what the model needs
      const rendered = (node: HTMLElement | null | undefined) => node?.innerText ?? '';
      const quote = (value: string | null | undefined) =>
        JSON.stringify((value ?? '').replace(/\s+/g, ' ').trim().slice(0, 80));
      for (const element of Array.from(document.querySelectorAll(selector))) {
        const html = element as HTMLElement;
        const box = html.getBoundingClientRect();
        const style = window.getComputedStyle(html);
        if (box.width === 0 && box.height === 0) continue;
        if (style.visibility === 'hidden' || style.display === 'none') continue;
        const id = String(next++);
        html.setAttribute(attribute, id);
        const tag = html.tagName.toLowerCase();
        if (tag === 'a') {
          lines.push(
            `[${id}] link ${quote(rendered(html))} -> ${(html as HTMLAnchorElement).href}`,
          );
        } else if (tag === 'input' || tag === 'textarea' || tag === 'select') {
          const field = html as HTMLInputElement;
          const label = rendered(field.labels?.[0]) || field.getAttribute('aria-label') || '';
          const parts = [`[${id}] ${tag}`];
          if (tag === 'input') parts.push(`type=${field.type}`);
          if (field.name) parts.push(`name=${quote(field.name)}`);
          if (label) parts.push(`label=${quote(label)}`);
          if (field.placeholder) parts.push(`placeholder=${quote(field.placeholder)}`);
          parts.push(`value=${quote(field.value)}`);
          lines.push(parts.join(' '));
        } else {
          lines.push(`[${id}] ${tag === 'button' ? 'button' : tag} ${quote(rendered(html))}`);
        }
      }
      const text = rendered(document.body)
        .replace(/\n{3,}/g, '\n\n')
        .trim();
      return {
        title: document.title,
        text:
          text.length > maxChars
            ? `${text.slice(0, maxChars)}\n[... ${text.length - maxChars} more characters: use "read" or "scroll down" ...]`
            : text,
        elements: lines,
      };
    },
    { attribute: ELEMENT_ATTRIBUTE, maxChars: maxTextChars },
  );
  return { url: page.url(), ...data };
}

/** The snapshot as the text sent to the model. */
export function describeSnapshot(snapshot: PageSnapshot): string {
  return [
    `URL: ${snapshot.url}`,
    `Title: ${snapshot.title}`,
    'Text:',
    snapshot.text || '(no text)',
    'Elements:',
    snapshot.elements.length > 0 ? snapshot.elements.join('\n') : '(none)',
  ].join('\n');
}
