import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const packageRoot = fileURLToPath(new URL('..', import.meta.url));

// Runs in a child process so that nothing vitest loaded counts.
function loadedModules(script: string, type: 'module' | 'commonjs'): string[] {
  const output = execFileSync(
    process.execPath,
    [type === 'module' ? '--input-type=module' : '--input-type=commonjs', '-e', script],
    { cwd: packageRoot, encoding: 'utf8' },
  );
  return JSON.parse(output) as string[];
}

describe('importing the built @bots/auth (turbo builds before testing)', () => {
  it('does not load @azure/identity from the CommonJS build', () => {
    const modules = loadedModules(
      `require('./dist/index.cjs'); console.log(JSON.stringify(Object.keys(require.cache)))`,
      'commonjs',
    );
    expect(modules.some((path) => path.includes('dist/index.cjs'))).toBe(true);
    expect(modules.filter((path) => path.includes('@azure'))).toEqual([]);
  });

  it('does not load @azure/identity from the ESM build, until a method needs it', () => {
    const script = `
      import { register } from 'node:module';
      const seen = [];
      const { port1, port2 } = new MessageChannel();
      register(${JSON.stringify(
        `data:text/javascript,${encodeURIComponent(
          `let port; export function initialize(data) { port = data.port; } export async function resolve(s, c, n) { const r = await n(s, c); port.postMessage(r.url); return r; }`,
        )}`,
      )}, { data: { port: port2 }, transferList: [port2] });
      port1.on('message', (url) => seen.push(url));
      port1.unref();
      const auth = await import('./dist/index.js');
      await new Promise((resolve) => setTimeout(resolve, 50));
      const before = seen.filter((url) => url.includes('@azure')).length;
      await auth.loadIdentity();
      await new Promise((resolve) => setTimeout(resolve, 50));
      const after = seen.filter((url) => url.includes('@azure')).length;
      console.log(JSON.stringify([String(before), String(after)]));
    `;
    const [before, after] = loadedModules(script, 'module');
    expect(before).toBe('0');
    expect(Number(after)).toBeGreaterThan(0);
  });
});
