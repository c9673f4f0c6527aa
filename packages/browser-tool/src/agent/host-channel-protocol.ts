/**
 * The channel between the host and the browser container: a folder of the host, bind-mounted
 * read-only into the container (the container has no network), that holds two unix sockets:
 * - {@link PROXY_SOCKET}: the host's network guard (an HTTP forward proxy that enforces the host
 *   rule); Chromium reaches it through a small TCP relay inside the container;
 * - {@link MODEL_SOCKET}: the host's model server: the container sends the conversation, the host
 *   makes the model call with its own credential and returns the reply, so the container holds no
 *   token and no key.
 * The folder is the capability: mode 0700, owned by the container's user.
 */

/** Where the channel folder appears inside the container (`BOTS_HOST_CHANNEL`). */
export const CHANNEL_MOUNT = '/run/bots';

/** The network guard's socket, in the channel folder. */
export const PROXY_SOCKET = 'proxy.sock';

/** The model server's socket, in the channel folder. */
export const MODEL_SOCKET = 'model.sock';

/** The model server's one route: POST a {@link ModelCall}, get a {@link ModelReply}. */
export const MODEL_ROUTE = '/v1/complete';

/** Largest request body the model server reads (a conversation of page texts). */
export const MAX_MODEL_CALL_BYTES = 8 * 1024 * 1024;

/** What the container sends for one model call. */
export interface ModelCall {
  messages: { role: 'system' | 'user' | 'assistant'; content: string }[];
  json?: boolean;
  temperature?: number;
  maxOutputTokens?: number;
}

/** What the host answers: the reply, or the error the model call ended with. */
export type ModelReply =
  | { text: string; usage?: { inputTokens: number; outputTokens: number } }
  | { error: { name: string; message: string } };
