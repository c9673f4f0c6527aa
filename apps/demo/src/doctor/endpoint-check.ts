import type { ChatModel } from '@bots/providers';
import { describeConnectFailure } from '../connect-failure.js';
import type { Check } from './check.js';

const ENDPOINT_TIMEOUT_MS = 5_000;

/** Whether the model's endpoint answers at all (any HTTP status counts). */
export async function endpointCheck(model: ChatModel): Promise<Check> {
  const endpoint = model.connection?.endpoint;
  if (!endpoint)
    return {
      name: 'endpoint',
      status: 'warn',
      lines: ['the model does not say where it is reached'],
    };
  const started = Date.now();
  try {
    const response = await fetch(endpoint, {
      method: 'GET',
      signal: AbortSignal.timeout(ENDPOINT_TIMEOUT_MS),
      redirect: 'manual',
    });
    await response.body?.cancel();
    return {
      name: 'endpoint',
      status: 'ok',
      lines: [
        `${endpoint} reachable (HTTP ${response.status} in ${Date.now() - started} ms; any HTTP answer counts)`,
      ],
    };
  } catch (error) {
    return {
      name: 'endpoint',
      status: 'missing',
      lines: [
        `${endpoint} NOT reachable: ${describeConnectFailure(error, endpoint, ENDPOINT_TIMEOUT_MS)}`,
      ],
    };
  }
}
