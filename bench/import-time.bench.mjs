// Import cost of each package: median wall time of `import()` in a fresh Node process, and
// whether importing @bots/auth loaded @azure/identity.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const name = 'import';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const packages = ['auth', 'providers', 'core', 'browser-tool', 'emulator'];
const RUNS = 9;

const script = (entry) => `
const started = performance.now();
await import(${JSON.stringify(entry)});
const elapsed = performance.now() - started;
console.log(JSON.stringify({ elapsed }));
`;

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

export async function run(report) {
  for (const name of packages) {
    const entry = join(root, 'packages', name, 'dist', 'index.js');
    if (!existsSync(entry)) continue;
    const times = [];
    for (let index = 0; index < RUNS; index += 1) {
      const output = execFileSync(process.execPath, ['--input-type=module', '-e', script(entry)], {
        encoding: 'utf8',
      });
      times.push(JSON.parse(output).elapsed);
    }
    report({
      metric: `import @bots/${name} (median of ${RUNS})`,
      value: median(times).toFixed(1),
      unit: 'ms',
    });
  }
  // Which modules does importing @bots/auth resolve? None of @azure/* may be among them.
  const hook = `data:text/javascript,${encodeURIComponent(
    'let port; export function initialize(data) { port = data.port; } export async function resolve(s, c, n) { const r = await n(s, c); port.postMessage(r.url); return r; }',
  )}`;
  const probe = `
    import { register } from 'node:module';
    const seen = [];
    const { port1, port2 } = new MessageChannel();
    register(${JSON.stringify(hook)}, { data: { port: port2 }, transferList: [port2] });
    port1.on('message', (url) => seen.push(url));
    port1.unref();
    await import(${JSON.stringify(join(root, 'packages', 'auth', 'dist', 'index.js'))});
    await new Promise((resolve) => setTimeout(resolve, 50));
    console.log(JSON.stringify({ modules: seen.length, azure: seen.filter((url) => url.includes('@azure')).length }));
  `;
  const { modules, azure } = JSON.parse(
    execFileSync(process.execPath, ['--input-type=module', '-e', probe], { encoding: 'utf8' }),
  );
  report({ metric: 'modules resolved by import @bots/auth', value: modules, unit: 'count' });
  report({
    metric: '@azure/* modules loaded by import @bots/auth',
    value: azure,
    unit: 'count (goal 0)',
  });
}
