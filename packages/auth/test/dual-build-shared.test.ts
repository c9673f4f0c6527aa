import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const packageRoot = fileURLToPath(new URL('..', import.meta.url));

// Both builds of @bots/auth in one process (a CommonJS dependency beside an ES module one) keep
// one registry of shared providers. Runs the built package (turbo builds before testing) in a
// child process; azure_cli builds a credential without asking anything.
it('the ES module and CommonJS builds share one provider per credential and scope', () => {
  const script = `
    const commonjs = require('./dist/index.cjs');
    import('./dist/index.js').then(async (esm) => {
      const env = { AZURE_AUTH_METHOD: 'azure_cli' };
      const fromCommonjs = await commonjs.tokenProviderFromEnv({ env });
      const fromEsm = await esm.tokenProviderFromEnv({ env });
      const count = esm.sharedTokenProviderCount();
      esm.clearSharedTokenProviders();
      console.log(JSON.stringify([fromCommonjs === fromEsm, count, commonjs.sharedTokenProviderCount()]));
    });
  `;
  const output = execFileSync(process.execPath, ['-e', script], {
    cwd: packageRoot,
    encoding: 'utf8',
  });
  expect(JSON.parse(output)).toEqual([true, 1, 0]);
});
