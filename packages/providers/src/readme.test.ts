import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { renderEnvironmentTable } from './environment-variables.js';
import { renderSelectionTable } from './selection-table.js';

const README = fileURLToPath(new URL('../README.md', import.meta.url));

const SECTIONS: Record<string, () => string> = {
  'selection-table': () => renderSelectionTable(),
  'environment-variables': () => renderEnvironmentTable(),
};

/** The README with every generated section replaced by its rendering. */
export function renderReadme(current: string): string {
  let text = current;
  for (const [name, render] of Object.entries(SECTIONS)) {
    const start = `<!-- ${name}:start -->`;
    const end = `<!-- ${name}:end -->`;
    const from = text.indexOf(start);
    const to = text.indexOf(end);
    if (from === -1 || to < from)
      throw new Error(`README.md lacks the markers ${start} ... ${end}`);
    text = `${text.slice(0, from + start.length)}\n${render()}\n${text.slice(to)}`;
  }
  return text;
}

describe('README.md', () => {
  it('shows the selection table and the environment variables as the data says (UPDATE_README=1 rewrites it)', () => {
    const current = readFileSync(README, 'utf8');
    const expected = renderReadme(current);
    if (process.env.UPDATE_README === '1' && current !== expected) writeFileSync(README, expected);
    else expect(current).toBe(expected);
  });

  it('names every variable the code reads', () => {
    const current = readFileSync(README, 'utf8');
    for (const name of [
      'OPEN_AI_END_POINT',
      'OPEN_AI_API_VERSION',
      'OPEN_AI_DEPLOYMENT_NAME',
      'OPEN_AI_KEY',
      'AZURE_OPENAI_ENDPOINT',
      'AZURE_OPENAI_API_VERSION',
      'AZURE_OPENAI_DEPLOYMENT_NAME',
      'AZURE_OPENAI_API_KEY',
      'ANTHROPIC_API_KEY',
      'ANTHROPIC_END_POINT',
      'ANTHROPIC_DEPLOYMENT_NAME',
      'OPENAI_API_KEY',
      'OPENAI_ENDPOINT',
      'LOCAL_MODEL_NAME',
      'LOCAL_MODEL_PORT',
      'OPEN_AI_WIRE_API',
    ]) {
      expect(current).toContain(`| \`${name}\``);
    }
  });
});
