import type { ModelWire } from './model-script.js';

/**
 * The names of the tools a request offers, whatever its wire: `function.name` (chat functions),
 * `custom.name` (chat custom tools), `name` (responses and Anthropic tools, built-in ones
 * included), or a built-in tool's `type` when it has no name (`web_search`, ...).
 */
export function offeredToolNames(wire: ModelWire, body: Record<string, unknown>): string[] {
  const tools = body['tools'];
  if (!Array.isArray(tools)) return [];
  const names: string[] = [];
  for (const tool of tools) {
    if (typeof tool !== 'object' || tool === null) continue;
    const record = tool as Record<string, unknown>;
    const nested = wire === 'responses' || wire === 'messages' ? undefined : nestedName(record);
    const name = nested ?? record['name'] ?? record['type'];
    if (typeof name === 'string' && name !== '') names.push(name);
  }
  return names;
}

/** Chat completions (and Ollama) nest the name: `{ type: 'function', function: { name } }`. */
function nestedName(tool: Record<string, unknown>): unknown {
  for (const key of ['function', 'custom']) {
    const inner = tool[key];
    if (typeof inner === 'object' && inner !== null)
      return (inner as Record<string, unknown>)['name'];
  }
  return undefined;
}
