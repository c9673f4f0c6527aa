import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SDKS = ['openai', '@anthropic-ai/sdk', '@anthropic-ai/foundry-sdk', '@azure/identity'];
const SOURCE = fileURLToPath(new URL('.', import.meta.url));

describe('importing @bots/providers stays light', () => {
  it('loads the SDKs only with a dynamic import() inside createChatModel (static imports are type-only)', () => {
    const files = readdirSync(SOURCE).filter(
      (file) => file.endsWith('.ts') && !file.endsWith('.test.ts'),
    );
    const dynamic: string[] = [];
    for (const file of files) {
      const text = readFileSync(`${SOURCE}/${file}`, 'utf8');
      for (const match of text.matchAll(/^import\s+(type\s+)?[^;]*?from\s+'([^']+)';/gms)) {
        const [, typeOnly, specifier] = match;
        if (specifier && SDKS.includes(specifier)) {
          expect(typeOnly, `${file} imports ${specifier} statically`).toBeTruthy();
        }
      }
      for (const match of text.matchAll(/await import\('([^']+)'\)/g)) dynamic.push(match[1] ?? '');
    }
    expect(dynamic.sort()).toEqual(['@anthropic-ai/foundry-sdk', '@anthropic-ai/sdk', 'openai']);
  });
});
