import { canInvalidate, checkFunction, parseClaimsChallenge } from '@bots/auth';
import { recordRefreshFailure, tokenOrigin } from './token-origins.js';

/** The part of the SDK's `CopilotRequestHandler` this module overrides. */
interface RequestHandlerBase {
  sendRequest(request: Request, context: unknown): Promise<Response>;
}

/**
 * A request handler for `new CopilotClient({ requestHandler })` (the SDK's experimental hook that
 * routes every model request of the runtime through this process) that answers a 401 itself: for a
 * request whose bearer token a `copilotProvider` config handed out, it invalidates that token's
 * cache, with the claims of a Continuous Access Evaluation challenge (`WWW-Authenticate: Bearer
 * error="insufficient_claims", claims="…"`) when the endpoint sent one, fetches a fresh token and
 * sends the request again, once. The runtime then never sees the 401. When the credential cannot
 * replace a revoked token (managed identity), the fetch fails with the `AuthenticationError` of
 * `@bots/auth` that says why and when, and the runtime gets the 401 (and that error on its retry).
 *
 * Pass the SDK's own class, so that this package needs no SDK to load or typecheck:
 *
 * @example
 * import { CopilotClient, CopilotRequestHandler } from '@github/copilot-sdk';
 * const client = new CopilotClient({ requestHandler: keylessRequestHandler(CopilotRequestHandler) });
 */
export function keylessRequestHandler<Base extends new () => object>(
  CopilotRequestHandler: Base,
): InstanceType<Base> {
  checkFunction(
    CopilotRequestHandler,
    'CopilotRequestHandler',
    "Pass the CopilotRequestHandler class of '@github/copilot-sdk'.",
  );
  const Parent = CopilotRequestHandler as unknown as new () => RequestHandlerBase;
  class KeylessRequestHandler extends Parent {
    override async sendRequest(request: Request, context: unknown): Promise<Response> {
      const token = bearerOf(request.headers.get('authorization'));
      const tokenProvider = token === undefined ? undefined : tokenOrigin(token);
      if (tokenProvider === undefined || !canInvalidate(tokenProvider)) {
        return super.sendRequest(request, context);
      }
      const again = request.clone();
      const response = await super.sendRequest(request, context);
      if (response.status !== 401) return response;
      const claims = parseClaimsChallenge(response.headers.get('www-authenticate'));
      tokenProvider.invalidate(claims === undefined ? undefined : { claims });
      let fresh: string;
      try {
        fresh = await tokenProvider();
      } catch (error) {
        // The credential cannot replace the token now: the session's error names the reason.
        recordRefreshFailure(tokenProvider, error);
        return response;
      }
      if (fresh === token) return response;
      await response.body?.cancel();
      const headers = new Headers(again.headers);
      headers.set('authorization', `Bearer ${fresh}`);
      return super.sendRequest(new Request(again, { headers }), context);
    }
  }
  return new KeylessRequestHandler() as InstanceType<Base>;
}

function bearerOf(header: string | null): string | undefined {
  const match = header === null ? null : /^Bearer\s+(\S+)$/i.exec(header.trim());
  return match?.[1];
}
