import { redact } from './redact.js';
import type { AccessToken, TokenCredential } from './token-provider.js';

/** One step of a credential chain, for messages: the method and the class it built. */
export interface ChainStep {
  method: string;
  className: string;
}

/**
 * Makes a `ChainedTokenCredential` name each step when every step fails: the error lists the
 * `AZURE_AUTH_METHOD` element and its class beside its reason, in order, instead of
 * `AggregateAuthenticationError`'s bare list (kept as the `cause`). Anything else passes through
 * unchanged. The chain stays itself (its class and its sources), only its `getToken` is wrapped.
 */
export function namedChain<T extends TokenCredential>(chain: T, steps: readonly ChainStep[]): T {
  const getToken = chain.getToken.bind(chain);
  chain.getToken = async (scopes, options): Promise<AccessToken | null> => {
    try {
      return await getToken(scopes, options);
    } catch (error) {
      throw chainFailure(error, steps);
    }
  };
  return chain;
}

function chainFailure(error: unknown, steps: readonly ChainStep[]): unknown {
  const errors = (error as { errors?: unknown } | null)?.errors;
  if (!Array.isArray(errors) || errors.length !== steps.length) return error;
  const lines = steps.map((step, index) => {
    const reason = errors[index] instanceof Error ? errors[index].message : String(errors[index]);
    return `${index + 1}. ${step.method} (${step.className}): ${oneLine(redact(reason))}`;
  });
  return new Error(`every step of the chain failed, in order:\n${lines.join('\n')}`, {
    cause: error,
  });
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim();
}
