import { useEmulator } from '@bots/emulator/testing';
import { describe, expect, test } from 'vitest';
import { cleanEnv, runCli } from './helpers.js';

// `bots doctor` (the built CLI, a child process) with a chain and with a user-assigned managed
// identity, the real @azure/identity credentials against the emulator: ManagedIdentityCredential
// on its IMDS shape (AZURE_POD_IDENTITY_AUTHORITY_HOST) and AzureDeveloperCliCredential running
// its azd stand-in first on PATH.

const SCOPE_LINE = /got a token for scope https:\/\/cognitiveservices\.azure\.com\/\.default/;
const UNKNOWN_CLIENT_ID = '11111111-2222-4333-8444-555555555555';
/** Any JSON web token (header.payload.signature): doctor prints claims, never a token. */
const ANY_JWT = /eyJ[\w-]+\.eyJ[\w-]+\.[\w-]+/;
const emulator = useEmulator({}, { scope: 'test' });

describe('bots doctor: chains and user-assigned identities', () => {
  test('managed_identity,azure_developer_cli: each step, the first fails, the second gives the token', async () => {
    const e = emulator.emulator;
    const imds = e.credentialEnv('imds');
    const standIns = e.writeCliStandIns();
    const run = await runCli(['doctor', '--model', 'azure-openai/gpt-4o-mini'], {
      env: cleanEnv({
        AZURE_AUTH_METHOD: 'managed_identity,azure_developer_cli',
        ...imds,
        // A user-assigned identity the endpoint does not know: the first step fails for real.
        AZURE_CLIENT_ID: UNKNOWN_CLIENT_ID,
        PATH: standIns.env.PATH,
      }),
    });
    const [auth = '', token = ''] = run.stdout.split(/\n(?=ok token|!! token)/);
    expect(auth).toContain(
      'ok auth     AZURE_AUTH_METHOD=managed_identity,azure_developer_cli: a chain (ChainedTokenCredential) of 2 credentials, tried in order',
    );
    expect(auth).toContain(
      `1. managed_identity: ManagedIdentityCredential: managed identity: IMDS at AZURE_POD_IDENTITY_AUTHORITY_HOST=${imds['AZURE_POD_IDENTITY_AUTHORITY_HOST']}, user-assigned AZURE_CLIENT_ID=${UNKNOWN_CLIENT_ID}`,
    );
    expect(auth).toContain(
      `2. azure_developer_cli: AzureDeveloperCliCredential: azd on PATH (azd auth login): ${standIns.folder}/azd`,
    );
    expect(token).toMatch(/^ok token {4}/);
    expect(token).toMatch(SCOPE_LINE);
    expect(token).toMatch(/1\. managed_identity: ManagedIdentityCredential: .*identity not found/i);
    expect(token).toContain('2. azure_developer_cli: ok');
    const sources = [...e.requests].map((request) => (request as { source?: string }).source);
    expect(sources).toEqual(['imds', 'azure-developer-cli']);
    expect(run.stdout + run.stderr).not.toMatch(ANY_JWT);
  });

  test('a user-assigned identity by resource id: named, sent, and its token described', async () => {
    const e = emulator.emulator;
    const identity = e.userAssignedIdentity!;
    const imds = e.credentialEnv('imds');
    const run = await runCli(['doctor', '--model', 'azure-openai/gpt-4o-mini'], {
      env: cleanEnv({
        AZURE_AUTH_METHOD: 'managed_identity',
        AZURE_AUTH_IDENTITY_RESOURCE_ID: identity.resourceId,
        ...imds,
      }),
    });
    expect(run.stdout).toContain(
      `managed identity: IMDS at AZURE_POD_IDENTITY_AUTHORITY_HOST=${imds['AZURE_POD_IDENTITY_AUTHORITY_HOST']}, user-assigned by resource id AZURE_AUTH_IDENTITY_RESOURCE_ID=${identity.resourceId}`,
    );
    expect(run.stdout).toMatch(SCOPE_LINE);
    expect(run.stdout).toContain(`object ${identity.objectId}`);
    expect(run.stdout + run.stderr).not.toMatch(ANY_JWT);
  });
});
