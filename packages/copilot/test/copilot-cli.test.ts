import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigurationError } from '@bots/auth';
import { afterAll, describe, expect, it } from 'vitest';
import {
  CopilotCliNotFoundError,
  copilotCliPath,
  platformPackageNames,
} from '../src/copilot-cli.js';

const scratch = mkdtempSync(join(tmpdir(), 'copilot-cli-test-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('copilotCliPath', () => {
  it('finds the native executable of the installed @github/copilot package', () => {
    const path = copilotCliPath({ env: {} });
    expect(path).toMatch(/@github\/copilot-linux(musl)?-x64\/copilot$/);
  });

  it('takes the path option first, then COPILOT_CLI_PATH', () => {
    const fake = join(scratch, 'copilot');
    writeFileSync(fake, '#!/bin/sh\n');
    chmodSync(fake, 0o755);
    expect(copilotCliPath({ path: fake, env: { COPILOT_CLI_PATH: '/nowhere/copilot' } })).toBe(
      fake,
    );
    expect(copilotCliPath({ env: { COPILOT_CLI_PATH: fake } })).toBe(fake);
  });

  it('refuses a path that is not an executable file, naming where it came from', () => {
    const plain = join(scratch, 'not-executable');
    writeFileSync(plain, 'text');
    chmodSync(plain, 0o644);
    expect(() => copilotCliPath({ env: { COPILOT_CLI_PATH: plain } })).toThrow(
      /^COPILOT_CLI_PATH names no executable file \(.*not-executable\)\. Point it at the copilot executable, or unset it and install the CLI with: npm install @github\/copilot\.$/,
    );
    expect(() => copilotCliPath({ path: scratch })).toThrow(/^The path option names no executable/);
    expect(() => copilotCliPath({ path: 'bin/copilot' })).toThrow(/must be an absolute path/);
  });

  it('says how to install it when @github/copilot is nowhere to be found', () => {
    const error = (() => {
      try {
        // No folder to resolve from (a folder outside the repo would still reach the package
        // through NODE_PATH, which pnpm sets for the test run).
        copilotCliPath({ env: {}, searchFrom: [] });
      } catch (caught) {
        return caught as Error;
      }
      return expect.unreachable('expected a throw');
    })();
    expect(error).toBeInstanceOf(CopilotCliNotFoundError);
    expect(error).toBeInstanceOf(ConfigurationError);
    expect(error.message).toMatch(
      /Install it with: npm install @github\/copilot, or set COPILOT_CLI_PATH/,
    );
  });

  it('validates its options', () => {
    expect(() => copilotCliPath({ pth: '/x' } as never)).toThrow(
      'copilotCliPath options has no option "pth". Valid options: path, env, searchFrom.',
    );
    expect(() => copilotCliPath({ path: '' })).toThrow(/path must be a non-empty string/);
  });

  it('names the platform packages, musl first on musl Linux', () => {
    expect(platformPackageNames('linux', 'x64', false)).toEqual(['@github/copilot-linux-x64']);
    expect(platformPackageNames('linux', 'arm64', true)).toEqual([
      '@github/copilot-linuxmusl-arm64',
      '@github/copilot-linux-arm64',
    ]);
    expect(platformPackageNames('darwin', 'arm64', false)).toEqual([
      '@github/copilot-darwin-arm64',
    ]);
  });
});
