import { expect, it } from 'vitest';
import { startEmulator } from '../start-emulator.js';
import {
  DEFAULT_USER_ASSIGNED_IDENTITY,
  registerUserAssignedIdentities,
} from './user-assigned-identity.js';

const TENANT = 't';
const SYSTEM = 'system-client-id';

it('registers the default identity unless told otherwise, and none with []', () => {
  expect(registerUserAssignedIdentities(undefined, TENANT, SYSTEM)).toEqual([
    DEFAULT_USER_ASSIGNED_IDENTITY,
  ]);
  expect(registerUserAssignedIdentities([], TENANT, SYSTEM)).toEqual([]);
});

it('completes missing ids into an ARM resource id and a stable object id', () => {
  const [first] = registerUserAssignedIdentities([{ clientId: 'c1' }], TENANT, SYSTEM);
  expect(first?.resourceId).toMatch(
    /^\/subscriptions\/[0-9a-f-]{36}\/resourcegroups\/bots-emulator\/providers\/Microsoft\.ManagedIdentity\/userAssignedIdentities\/c1$/,
  );
  expect(registerUserAssignedIdentities([{ clientId: 'c1' }], TENANT, SYSTEM)[0]?.objectId).toBe(
    first?.objectId,
  );
});

it('refuses an empty client id, a resource id of another kind and repeated ids, naming the option', () => {
  expect(() => registerUserAssignedIdentities([{ clientId: ' ' }], TENANT, SYSTEM)).toThrow(
    /userAssignedIdentities\[0\]\.clientId must be a non-empty string/,
  );
  expect(() =>
    registerUserAssignedIdentities(
      [{ clientId: 'c', resourceId: '/subscriptions/s/vm' }],
      TENANT,
      SYSTEM,
    ),
  ).toThrow(/userAssignedIdentities\[0\]\.resourceId must look like \/subscriptions\//);
  expect(() =>
    registerUserAssignedIdentities([{ clientId: 'c' }, { clientId: 'C' }], TENANT, SYSTEM),
  ).toThrow(/the id C is used twice/);
  expect(() => registerUserAssignedIdentities([{ clientId: SYSTEM }], TENANT, SYSTEM)).toThrow(
    TypeError,
  );
});

it("puts a registered identity's own object id in its tokens", async () => {
  const identity = {
    clientId: '11111111-2222-4333-8444-555555555555',
    resourceId:
      '/subscriptions/s/resourceGroups/g/providers/Microsoft.ManagedIdentity/userAssignedIdentities/mine',
    objectId: '66666666-7777-4888-8999-000000000000',
  };
  const emulator = await startEmulator({ userAssignedIdentities: [identity] });
  try {
    expect(emulator.userAssignedIdentity).toEqual(identity);
    const response = await fetch(
      `${emulator.urls.base}/metadata/identity/oauth2/token/?api-version=2018-02-01&resource=https://ai.azure.com&msi_res_id=${encodeURIComponent(identity.resourceId.toLowerCase())}`,
      { headers: { Metadata: 'true' } },
    );
    const body = (await response.json()) as { access_token: string };
    expect(emulator.verifyToken(body.access_token).claims).toMatchObject({
      appid: identity.clientId,
      oid: identity.objectId,
      sub: identity.objectId,
    });
  } finally {
    await emulator.close();
  }
});
