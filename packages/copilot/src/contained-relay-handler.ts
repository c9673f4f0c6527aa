import { type ModelRelayOptions, relayModelRequest } from './contained-model-relay.js';
import type { CopilotSdkModule } from './load-copilot-sdk.js';

/**
 * The SDK's request handler (`CopilotClientOptions.requestHandler`) that makes the contained
 * CLI's model requests here, through {@link relayModelRequest}: the CLI sends each outbound
 * model request back to the SDK over its stdio (JSON-RPC), so nothing in the sandbox listens,
 * connects, or holds a credential. WebSocket transports are refused (the sessions use HTTP).
 */
export function createRelayHandler(
  sdk: CopilotSdkModule,
  options: ModelRelayOptions,
): InstanceType<CopilotSdkModule['CopilotRequestHandler']> {
  class ContainedRelayHandler extends sdk.CopilotRequestHandler {
    protected override sendRequest(
      request: Request,
      context: { signal: AbortSignal },
    ): Promise<Response> {
      return relayModelRequest(request, context.signal, options);
    }

    protected override openWebSocket(context: { url: string }): never {
      const refused = {
        method: 'WEBSOCKET',
        path: safePath(context.url),
        reason: 'WebSocket transport',
      };
      options.stats.refused.push(refused);
      options.onRefused?.(refused);
      throw new Error('The Copilot relay does not forward WebSocket connections.');
    }
  }
  return new ContainedRelayHandler();
}

function safePath(url: string): string {
  try {
    return new URL(url).pathname;
  } catch {
    return '?';
  }
}
