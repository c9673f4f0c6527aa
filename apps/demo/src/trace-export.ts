import type { Env } from '@bots/auth';
import type { CommandContext } from './command-context.js';

/** The OpenTelemetry variables that ask the CLI to export its spans over OTLP (HTTP, JSON). */
export const OTLP_VARIABLES = [
  'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT',
  'OTEL_EXPORTER_OTLP_ENDPOINT',
] as const;

/** A running export: `shutdown()` sends what is pending and stops it. */
export interface TraceExport {
  /** Where the spans go. */
  readonly url: string;
  shutdown(): Promise<void>;
}

/**
 * When the env asks for it (`OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`, the full URL, or
 * `OTEL_EXPORTER_OTLP_ENDPOINT`, to which `/v1/traces` is added, as the OpenTelemetry
 * specification says), registers an OpenTelemetry SDK that sends the spans of `@bots/*` (runs,
 * steps, model calls, commands, token fetches; never a token, a key or the prompt) over OTLP/HTTP.
 * Otherwise nothing is loaded and the spans cost nothing. The SDK is loaded only then.
 */
export async function startTraceExport(
  env: Env,
  serviceName: string,
): Promise<TraceExport | undefined> {
  const traces = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.trim();
  const base = env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim();
  const url = traces || (base ? `${base.replace(/\/+$/, '')}/v1/traces` : undefined);
  if (!url) return undefined;
  const [
    { NodeTracerProvider, BatchSpanProcessor },
    { OTLPTraceExporter },
    { resourceFromAttributes },
  ] = await Promise.all([
    import('@opentelemetry/sdk-trace-node'),
    import('@opentelemetry/exporter-trace-otlp-http'),
    import('@opentelemetry/resources'),
  ]);
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({
      'service.name': env.OTEL_SERVICE_NAME?.trim() || serviceName,
    }),
    spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter({ url }))],
  });
  provider.register();
  return {
    url,
    shutdown: () => provider.shutdown(),
  };
}

/**
 * Runs a command with the trace export the env asks for (see {@link startTraceExport}), said on
 * stderr, and flushed and stopped when the command ends, however it ends.
 */
export async function withTraceExport(
  context: CommandContext,
  serviceName: string,
  command: (context: CommandContext) => Promise<number>,
): Promise<number> {
  const exporting = await startTraceExport(context.env, serviceName);
  if (exporting)
    context.stderr(`bots: traces: OTLP/HTTP to ${exporting.url} (service ${serviceName})\n`);
  try {
    return await command(context);
  } finally {
    await exporting?.shutdown().catch((error: unknown) => {
      context.stderr(
        `bots: traces: the export failed: ${error instanceof Error ? error.message : String(error)}\n`,
      );
    });
  }
}
