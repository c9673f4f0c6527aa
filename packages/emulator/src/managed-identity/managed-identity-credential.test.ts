import { describeWhen } from '@bots/test-kit';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  arcKeyFolderAvailability,
  byName,
  type ChildOutcome,
  runCredentialCases,
} from '../../test/managed-identity-child.js';
import { COGNITIVE_SERVICES_AUDIENCE } from '../audience.js';
import { DEFAULT_CLIENT_ID } from '../start-emulator.js';
import { useEmulator } from '../testing/use-emulator.js';
import type { ManagedIdentitySource } from './managed-identity-source.js';

// Each shape runs the real ManagedIdentityCredential in a fresh process with that shape's
// environment alone; the cases of one shape share that process (one source per process).
const emulator = useEmulator({ script: () => 'hello from the model' });
beforeEach(() => {
  emulator.requests.clear();
});

const UNKNOWN_CLIENT_ID = '99999999-9999-4999-8999-999999999999';
const UNKNOWN_RESOURCE_ID =
  '/subscriptions/99999999-9999-4999-8999-999999999999/resourcegroups/nowhere/providers/Microsoft.ManagedIdentity/userAssignedIdentities/nobody';

function identityRequests(source: ManagedIdentitySource) {
  return emulator.requests.ofKind('identity').filter((request) => request.source === source);
}

/** The system-assigned token, the model call on it, a clean guard and only this shape's requests. */
function expectSystemAssignedAndModelCall(outcome: ChildOutcome, source: ManagedIdentitySource) {
  expect(outcome.run.refused).toEqual([]);
  expect(byName(outcome.results)['system']).toMatchObject({
    ok: true,
    claims: {
      aud: COGNITIVE_SERVICES_AUDIENCE,
      appid: DEFAULT_CLIENT_ID,
      client_id: DEFAULT_CLIENT_ID,
    },
  });
  expect(outcome.reply).toBe('hello from the model');
  expect(emulator.requests.last('azure-openai')).toMatchObject({
    status: 200,
    auth: { scheme: 'bearer', accepted: true, clientId: DEFAULT_CLIENT_ID },
  });
  const identity = emulator.requests.ofKind('identity');
  expect(identity.length).toBeGreaterThan(0);
  expect(identity.every((request) => request.source === source)).toBe(true);
}

describe.each([
  ['app-service', 'client_id', 'mi_res_id'],
  ['imds', 'client_id', 'msi_res_id'],
] as const)(
  '%s shape with the real ManagedIdentityCredential',
  (source, clientParameter, resourceParameter) => {
    it('gets system-assigned and user-assigned tokens (client, resource and object id), the model accepts them, and an unknown id gets the real error', async () => {
      const identity = emulator.userAssignedIdentity!;
      const outcome = await runCredentialCases(emulator.emulator, source, [
        { name: 'system' },
        { name: 'clientId', options: { clientId: identity.clientId } },
        { name: 'resourceId', options: { resourceId: identity.resourceId } },
        { name: 'objectId', options: { objectId: identity.objectId } },
        { name: 'unknownClientId', options: { clientId: UNKNOWN_CLIENT_ID } },
        { name: 'unknownResourceId', options: { resourceId: UNKNOWN_RESOURCE_ID } },
      ]);
      expectSystemAssignedAndModelCall(outcome, source);
      const results = byName(outcome.results);
      const userClaims = {
        aud: COGNITIVE_SERVICES_AUDIENCE,
        appid: identity.clientId,
        client_id: identity.clientId,
        oid: identity.objectId,
      };
      for (const name of ['clientId', 'resourceId', 'objectId']) {
        expect(results[name], name).toMatchObject({ ok: true, claims: userClaims });
      }
      const notFound =
        source === 'imds' ? /Identity not found/ : /Unable to load the proper Managed Identity\./;
      for (const name of ['unknownClientId', 'unknownResourceId']) {
        expect(results[name], name).toMatchObject({
          ok: false,
          errorName: 'CredentialUnavailableError',
        });
        expect(results[name]?.message).toMatch(notFound);
      }
      const recorded = identityRequests(source).map((request) => request.userAssignedIdentity);
      expect(recorded).toEqual([
        undefined,
        { by: 'clientId', id: identity.clientId, parameter: clientParameter, known: true },
        { by: 'resourceId', id: identity.resourceId, parameter: resourceParameter, known: true },
        { by: 'objectId', id: identity.objectId, parameter: 'object_id', known: true },
        { by: 'clientId', id: UNKNOWN_CLIENT_ID, parameter: clientParameter, known: false },
        { by: 'resourceId', id: UNKNOWN_RESOURCE_ID, parameter: resourceParameter, known: false },
      ]);
      expect(identityRequests(source).map((request) => request.status)).toEqual([
        200, 200, 200, 200, 400, 400,
      ]);
    });
  },
);

describe('azure-ml shape with the real ManagedIdentityCredential', () => {
  it('sends DEFAULT_IDENTITY_CLIENT_ID as clientid for system-assigned, supports client ids only, and an unknown one gets the real error', async () => {
    const identity = emulator.userAssignedIdentity!;
    const outcome = await runCredentialCases(emulator.emulator, 'azure-ml', [
      { name: 'system' },
      { name: 'clientId', options: { clientId: identity.clientId } },
      { name: 'resourceId', options: { resourceId: identity.resourceId } },
      { name: 'unknownClientId', options: { clientId: UNKNOWN_CLIENT_ID } },
    ]);
    expectSystemAssignedAndModelCall(outcome, 'azure-ml');
    const results = byName(outcome.results);
    expect(results['clientId']).toMatchObject({
      ok: true,
      claims: { appid: identity.clientId, oid: identity.objectId },
    });
    // msal-node throws before any request: the 2017 protocol knows client ids only.
    expect(results['resourceId']).toMatchObject({ ok: false });
    expect(results['resourceId']?.message).toMatch(
      /Only client id is supported for user-assigned managed identity in MachineLearning/,
    );
    expect(results['unknownClientId']?.message).toMatch(
      /Unable to load the proper Managed Identity\./,
    );
    const requests = identityRequests('azure-ml');
    expect(requests.map((request) => request.query['clientid'])).toEqual([
      DEFAULT_CLIENT_ID,
      identity.clientId,
      UNKNOWN_CLIENT_ID,
    ]);
    expect(requests[0]?.headers['secret']).toMatch(/^<redacted sha256:[0-9a-f]{12}>$/);
    expect(JSON.stringify(emulator.requests.all())).not.toContain(
      emulator.credentialEnv('azure-ml')['MSI_SECRET'],
    );
  });
});

it('observed: a wrong MSI_SECRET (Azure ML answers in plain text) surfaces as "Network unreachable" in @azure/identity', async () => {
  const outcome = await runCredentialCases(emulator.emulator, 'azure-ml', [{ name: 'system' }], {
    MSI_SECRET: 'not-the-secret',
  });
  expect(outcome.run.refused).toEqual([]);
  expect(byName(outcome.results)['system']).toMatchObject({
    ok: false,
    errorName: 'CredentialUnavailableError',
    message: expect.stringMatching(/^ManagedIdentityCredential: Network unreachable\./),
  });
  expect(identityRequests('azure-ml')[0]).toMatchObject({
    status: 401,
    auth: { scheme: 'secret-header', accepted: false },
  });
  expect(JSON.stringify(emulator.requests.all())).not.toContain('not-the-secret');
});

describe('cloud-shell shape with the real ManagedIdentityCredential', () => {
  it('posts the resource as a form for system-assigned; a user-assigned id throws before any request', async () => {
    const identity = emulator.userAssignedIdentity!;
    const outcome = await runCredentialCases(emulator.emulator, 'cloud-shell', [
      { name: 'clientId', options: { clientId: identity.clientId } },
      { name: 'system' },
    ]);
    expectSystemAssignedAndModelCall(outcome, 'cloud-shell');
    expect(byName(outcome.results)['clientId']).toMatchObject({
      ok: false,
      errorName: 'CredentialUnavailableError',
      message: expect.stringMatching(
        /user-assigned managed identity is not supported for CloudShell/,
      ),
    });
    const requests = identityRequests('cloud-shell');
    expect(requests).toHaveLength(1);
    expect(requests[0]).toMatchObject({
      method: 'POST',
      body: { resource: COGNITIVE_SERVICES_AUDIENCE },
      auth: { scheme: 'metadata', accepted: true },
      status: 200,
    });
  });
});

describeWhen(
  'azure-arc shape with the real ManagedIdentityCredential',
  arcKeyFolderAvailability(),
  () => {
    it('answers the first request with the key-file challenge and the retry with a token; a user-assigned id throws before any request', async () => {
      const identity = emulator.userAssignedIdentity!;
      const outcome = await runCredentialCases(emulator.emulator, 'azure-arc', [
        { name: 'clientId', options: { clientId: identity.clientId } },
        { name: 'system' },
        { name: 'clientIdOncePinned', options: { clientId: identity.clientId } },
      ]);
      expectSystemAssignedAndModelCall(outcome, 'azure-arc');
      const results = byName(outcome.results);
      expect(results['clientId']).toMatchObject({ ok: false });
      expect(results['clientId']?.message).toMatch(
        /Azure Arc Managed Identities can only be system assigned/,
      );
      // Observed: msal-node checks this only when it picks the source; once Arc is pinned, a
      // user-assigned credential silently gets the system-assigned identity's token.
      expect(results['clientIdOncePinned']).toMatchObject({
        ok: true,
        claims: { appid: DEFAULT_CLIENT_ID },
      });
      const requests = identityRequests('azure-arc');
      expect(requests.map((request) => [request.status, request.auth.scheme])).toEqual([
        [401, 'none'],
        [200, 'basic'],
        [401, 'none'],
        [200, 'basic'],
      ]);
      expect(requests[1]?.headers['authorization']).toMatch(
        /^Basic <redacted sha256:[0-9a-f]{12}>$/,
      );
    });
  },
);
