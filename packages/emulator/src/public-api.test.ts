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
      "APPLICATION_SHAPES",
      "AZURE_ARC_KEY_FOLDER",
      "AzureArcKeyFolderError",
      "CLI_SHAPES",
      "COGNITIVE_SERVICES_AUDIENCE",
      "CREDENTIAL_SHAPES",
      "DEFAULT_API_KEYS",
      "DEFAULT_API_VERSION",
      "DEFAULT_APPLICATION_ID",
      "DEFAULT_CLIENT_ID",
      "DEFAULT_REPLY_TEXT",
      "DEFAULT_TENANT_ID",
      "DEFAULT_USER_ASSIGNED_IDENTITY",
      "MANAGED_IDENTITY_SOURCES",
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
      "CredentialShape",
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
      "IdentitySelector",
      "InjectFaultOptions",
      "InjectedFault",
      "IssueTokenOptions",
      "IssuedToken",
      "ManagedIdentitySource",
      "ModelEndpointKind",
      "ModelMessage",
      "ModelReply",
      "ModelRequest",
      "ModelScript",
      "ModelScriptFunction",
      "ModelToolCall",
      "ModelUsage",
      "ModelWire",
      "RecordedRequest",
      "ScriptStep",
      "ScriptedFault",
      "ScriptedToolCall",
      "TokenClaims",
      "TokenVerification",
      "UserAssignedIdentity",
      "UserAssignedIdentityOptions",
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
