import { randomBytes } from 'node:crypto';
import type { ModelWire, ScriptedToolCall } from './model-script.js';

/** A scripted tool call ready to render: its id in the wire's shape, its arguments as JSON text. */
export interface ResolvedToolCall {
  id: string;
  name: string;
  /** The arguments as sent on the OpenAI wires. */
  arguments: string;
  /** The arguments as an object (Anthropic's `tool_use.input`, Ollama's `arguments`), if they are one. */
  input: Record<string, unknown> | undefined;
}

/** What is wrong with a scripted tool call, as a sentence, or `undefined` when nothing is. */
export function toolCallProblem(call: unknown, index: number): string | undefined {
  const where = `toolCalls[${index}]`;
  if (typeof call !== 'object' || call === null || Array.isArray(call)) {
    return `A scripted tool call must be an object { name, arguments?, id? }; ${where} is ${JSON.stringify(call)}.`;
  }
  const record = call as Record<string, unknown>;
  if (typeof record['name'] !== 'string' || record['name'].trim() === '') {
    return `A scripted tool call needs a name (the name of a tool the client offers, see request.tools); ${where} has ${record['name'] === undefined ? 'none' : `name ${JSON.stringify(record['name'])}`}.`;
  }
  const args = record['arguments'];
  if (
    args !== undefined &&
    typeof args !== 'string' &&
    (typeof args !== 'object' || args === null || Array.isArray(args))
  ) {
    return `The arguments of scripted tool call "${record['name']}" (${where}) must be an object or JSON text; got ${JSON.stringify(args)}.`;
  }
  if (record['id'] !== undefined && (typeof record['id'] !== 'string' || record['id'] === '')) {
    return `The id of scripted tool call "${record['name']}" (${where}) must be a non-empty string, or left out to have one generated.`;
  }
  return undefined;
}

/** Settles ids and argument text for one wire; a reason when the wire cannot carry a call. */
export function resolveToolCalls(
  calls: readonly ScriptedToolCall[],
  wire: ModelWire,
): { ok: true; calls: ResolvedToolCall[] } | { ok: false; message: string } {
  const resolved: ResolvedToolCall[] = [];
  for (const call of calls) {
    let text: string;
    let input: Record<string, unknown> | undefined;
    if (typeof call.arguments === 'string') {
      text = call.arguments;
      input = parseObject(text);
    } else {
      input = call.arguments ?? {};
      try {
        text = JSON.stringify(input);
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        return {
          ok: false,
          message: `The arguments of scripted tool call "${call.name}" cannot be serialised as JSON: ${reason}`,
        };
      }
    }
    if (input === undefined && (wire === 'messages' || wire === 'ollama-chat')) {
      return {
        ok: false,
        message: `The arguments of scripted tool call "${call.name}" must be a JSON object on the ${wire === 'messages' ? 'Anthropic messages API (tool_use.input)' : 'Ollama /api/chat API (arguments)'}; got ${JSON.stringify(call.arguments)}.`,
      };
    }
    resolved.push({
      id: call.id ?? generatedCallId(wire),
      name: call.name,
      arguments: text,
      input,
    });
  }
  return { ok: true, calls: resolved };
}

function generatedCallId(wire: ModelWire): string {
  return wire === 'messages'
    ? `toolu_${randomBytes(12).toString('hex')}`
    : `call_${randomBytes(12).toString('hex')}`;
}

function parseObject(text: string): Record<string, unknown> | undefined {
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}
