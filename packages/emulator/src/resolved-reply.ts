import type { ModelReply, ModelUsage, ModelWire } from './model-script.js';
import { type ResolvedToolCall, resolveToolCalls, toolCallProblem } from './tool-calls.js';

/** A scripted reply checked and settled for one wire: what every reply body is built from. */
export interface ResolvedReply {
  text: string;
  toolCalls: ResolvedToolCall[];
  usage?: ModelUsage;
  /** `tool-calls` when the reply calls tools and was not cut short. */
  finishReason: 'stop' | 'length' | 'tool-calls';
}

/** What is wrong with a scripted reply object, as a sentence, or `undefined` when nothing is. */
export function replyProblem(reply: Record<string, unknown>): string | undefined {
  const { text, toolCalls, finishReason } = reply;
  if (toolCalls !== undefined && !Array.isArray(toolCalls)) {
    return `A scripted reply's toolCalls must be an array of { name, arguments?, id? }; got ${JSON.stringify(toolCalls)}.`;
  }
  if (text === undefined ? toolCalls === undefined : typeof text !== 'string') {
    return `A scripted reply needs a text (a string) or toolCalls; got ${JSON.stringify(reply)}.`;
  }
  if (finishReason !== undefined && finishReason !== 'stop' && finishReason !== 'length') {
    return `A scripted reply's finishReason must be "stop" or "length"; got ${JSON.stringify(finishReason)}.`;
  }
  return (toolCalls as unknown[] | undefined)?.reduce<string | undefined>(
    (problem, call, index) => problem ?? toolCallProblem(call, index),
    undefined,
  );
}

/** Settles a (checked) scripted reply for a wire: call ids in its shape, the finish reason. */
export function resolveReply(
  reply: ModelReply,
  wire: ModelWire,
): { ok: true; reply: ResolvedReply } | { ok: false; message: string } {
  const calls = resolveToolCalls(reply.toolCalls ?? [], wire);
  if (!calls.ok) return calls;
  const finishReason =
    reply.finishReason === 'length' ? 'length' : calls.calls.length > 0 ? 'tool-calls' : 'stop';
  return {
    ok: true,
    reply: {
      text: reply.text ?? '',
      toolCalls: calls.calls,
      ...(reply.usage === undefined ? {} : { usage: reply.usage }),
      finishReason,
    },
  };
}
