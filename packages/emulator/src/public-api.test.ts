import { fileURLToPath } from 'node:url';
import { entrySource, exportedSubpaths, typeOnlyExports } from '@bots/test-kit';
import { expect, test } from 'vitest';
import * as root from './index.js';
import * as testing from './testing/index.js';

// The public names of each entry point of @bots/emulator, runtime and type-only. A change to these
// lists is a deliberate API decision: review it, then update the snapshots (vitest -u).
const packageDirectory = fileURLToPath(new URL('..', import.meta.url));

test('every entry point of the exports map has its snapshots here', () => {
  expect(exportedSubpaths(packageDirectory)).toEqual(['.', './testing']);
});

test('@bots/emulator: runtime names', () => {
  expect(Object.keys(root).sort()).toMatchInlineSnapshot(`
    [
      "AI_FOUNDRY_AUDIENCE",
      "COGNITIVE_SERVICES_AUDIENCE",
      "DEFAULT_API_KEYS",
      "DEFAULT_API_VERSION",
      "DEFAULT_APPLICATION_ID",
      "DEFAULT_CLIENT_ID",
      "DEFAULT_REPLY_TEXT",
      "DEFAULT_TENANT_ID",
      "MODEL_ENDPOINT_KINDS",
      "RequestLog",
      "isModelEndpointKind",
      "startEmulator",
    ]
  `);
});

test('@bots/emulator: type-only names', () => {
  expect(typeOnlyExports(entrySource(packageDirectory, '.'), root)).toMatchInlineSnapshot(`
    [
      "AuthSummary",
      "AuthorityRequestSummary",
      "CliLogin",
      "CliStandIns",
      "Emulator",
      "EmulatorApiKeys",
      "EmulatorApplication",
      "EmulatorApplicationCredentials",
      "EmulatorAuthority",
      "EmulatorFederatedCredential",
      "EmulatorOptions",
      "EmulatorUrls",
      "EndpointKind",
      "Fault",
      "FederatedTokenFileOptions",
      "InjectFaultOptions",
      "InjectedFault",
      "IssueTokenOptions",
      "IssuedToken",
      "ModelEndpointKind",
      "ModelMessage",
      "ModelReply",
      "ModelRequest",
      "ModelScript",
      "ModelScriptFunction",
      "ModelUsage",
      "ModelWire",
      "RecordedRequest",
      "ScriptStep",
      "ScriptedFault",
      "TokenClaims",
      "TokenVerification",
    ]
  `);
});

test('@bots/emulator/testing: runtime names', () => {
  expect(Object.keys(testing).sort()).toMatchInlineSnapshot(`
    [
      "useEmulator",
    ]
  `);
});

test('@bots/emulator/testing: type-only names', () => {
  expect(
    typeOnlyExports(entrySource(packageDirectory, './testing'), testing),
  ).toMatchInlineSnapshot(`
    [
      "EmulatorHandle",
      "EmulatorLifecycle",
      "EmulatorOptionsInput",
      "UseEmulator",
    ]
  `);
});
