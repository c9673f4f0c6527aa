import { fileURLToPath } from 'node:url';
import { entrySource, exportedSubpaths, typeOnlyExports } from '@bots/test-kit';
import { expect, test } from 'vitest';
import * as root from './index.js';
import * as testing from './testing/index.js';

// The public names of each entry point of @bots/browser-tool, runtime and type-only. A change to these
// lists is a deliberate API decision: review it, then update the snapshots (vitest -u).
const packageDirectory = fileURLToPath(new URL('..', import.meta.url));

test('every entry point of the exports map has its snapshots here', () => {
  expect(exportedSubpaths(packageDirectory)).toEqual(['.', './testing']);
});

test('@bots/browser-tool: runtime names', () => {
  expect(Object.keys(root).sort()).toMatchInlineSnapshot(`
    [
      "BROWSER_IMAGE_REPOSITORY",
      "BrowserImageError",
      "BrowsingBot",
      "TOKEN_SECRET_HEADER",
      "addressKind",
      "browserImageTag",
      "browserTool",
      "buildBrowserImage",
      "canonicalHost",
      "chooseBrowserRunner",
      "containerTokenProvider",
      "ensureBrowserImage",
      "hostsNamedIn",
      "localChromiumPath",
      "networkGuardFlags",
      "parseHostRule",
      "runBrowserTask",
      "startNetworkGuard",
      "startTokenChannel",
    ]
  `);
});

test('@bots/browser-tool: type-only names', () => {
  expect(typeOnlyExports(entrySource(packageDirectory, '.'), root)).toMatchInlineSnapshot(`
    [
      "AddressKind",
      "BrowserImageOptions",
      "BrowserRunner",
      "BrowserRunnerChoice",
      "BrowserTaskOptions",
      "BrowserTaskResult",
      "BrowserToolOptions",
      "BrowsingBotOptions",
      "BrowsingRunOptions",
      "HostRule",
      "HostRuleEntry",
      "NetworkGuard",
      "NetworkGuardOptions",
      "RefusedRequest",
      "RunnerChoice",
      "RunnerChoiceOptions",
      "TokenChannel",
    ]
  `);
});

test('@bots/browser-tool/testing: runtime names', () => {
  expect(Object.keys(testing).sort()).toMatchInlineSnapshot(`
    [
      "sampleSiteScript",
      "sampleTask",
      "startSampleSite",
    ]
  `);
});

test('@bots/browser-tool/testing: type-only names', () => {
  expect(
    typeOnlyExports(entrySource(packageDirectory, './testing'), testing),
  ).toMatchInlineSnapshot(`
    [
      "SampleSite",
      "ScriptRequest",
    ]
  `);
});
