import type { ChatModel, ChatRequest, ChatResponse } from '@bots/providers';

/** When the first "waiting for the model" line is printed, in seconds of one call. */
const FIRST_NOTICE_SECONDS = 5;

/** The next moment (seconds into a call) to say it is still waiting: every 5 s, then every 30 s. */
function nextNotice(elapsedSeconds: number): number {
  return elapsedSeconds < 30 ? elapsedSeconds + 5 : elapsedSeconds + 30;
}

/**
 * The model with a progress line while a call is outstanding: after 5 s, and every few seconds
 * until it answers, `say` gets `waiting for the model, 12 s`. Nothing else changes: the same
 * provider, name, connection and replies; errors pass through.
 */
export function watchModel(model: ChatModel, say: (line: string) => void): ChatModel {
  const where = model.connection?.endpoint ? ` at ${model.connection.endpoint}` : '';
  return {
    provider: model.provider,
    name: model.name,
    ...(model.connection ? { connection: model.connection } : {}),
    async complete(request: ChatRequest): Promise<ChatResponse> {
      const started = Date.now();
      let timer: NodeJS.Timeout | undefined;
      const schedule = (atSeconds: number) => {
        timer = setTimeout(
          () => {
            const elapsed = Math.round((Date.now() - started) / 1000);
            say(`waiting for the model${where}, ${elapsed} s`);
            schedule(nextNotice(atSeconds));
          },
          Math.max(0, atSeconds * 1000 - (Date.now() - started)),
        );
        timer.unref();
      };
      schedule(FIRST_NOTICE_SECONDS);
      try {
        return await model.complete(request);
      } finally {
        clearTimeout(timer);
      }
    },
  };
}
