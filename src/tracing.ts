/*
 * OpenTelemetry tracing, started before anything it instruments is loaded: src/main.ts imports
 * this module first, so http, express, graphql, pg and ioredis are patched as they are required.
 * Off (OTEL_EXPORTER_OTLP_ENDPOINT unset): this module returns at once and loads nothing of the
 * SDK, its instrumentations or exporters. On: spans go to the collector over OTLP/HTTP in
 * batches; the OTEL_* environment variables the SDK documents (OTEL_BSP_*, OTEL_RESOURCE_ATTRIBUTES…) apply.
 */
/* eslint-disable @typescript-eslint/no-require-imports -- loaded only when tracing is on, before the instrumented modules */
import { installTracingHooks, type TraceCarrier } from "./shared/tracing-hooks";

export interface StartedTracing {
  shutdown(): Promise<void>;
}

let started: StartedTracing | null = null;

export function startTracing(env: NodeJS.ProcessEnv = process.env): StartedTracing | null {
  const endpoint = env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim();
  if (!endpoint || started) return started;
  const api = require("@opentelemetry/api") as typeof import("@opentelemetry/api");
  const { NodeSDK } = require("@opentelemetry/sdk-node") as typeof import("@opentelemetry/sdk-node");
  const { BatchSpanProcessor } = require("@opentelemetry/sdk-trace") as typeof import("@opentelemetry/sdk-trace");
  const { OTLPTraceExporter } =
    require("@opentelemetry/exporter-trace-otlp-http") as typeof import("@opentelemetry/exporter-trace-otlp-http");
  const { HttpInstrumentation } =
    require("@opentelemetry/instrumentation-http") as typeof import("@opentelemetry/instrumentation-http");
  const { ExpressInstrumentation } =
    require("@opentelemetry/instrumentation-express") as typeof import("@opentelemetry/instrumentation-express");
  const { GraphQLInstrumentation } =
    require("@opentelemetry/instrumentation-graphql") as typeof import("@opentelemetry/instrumentation-graphql");
  const { PgInstrumentation } =
    require("@opentelemetry/instrumentation-pg") as typeof import("@opentelemetry/instrumentation-pg");
  const { IORedisInstrumentation } =
    require("@opentelemetry/instrumentation-ioredis") as typeof import("@opentelemetry/instrumentation-ioredis");

  // The signal path of the base URL, as the OTLP specification builds it from the generic endpoint.
  const url = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.trim() || `${endpoint.replace(/\/+$/, "")}/v1/traces`;
  // Traces only: metrics are prom-client's (/metrics), logs are pino's. Left to its defaults, the SDK
  // would also export (empty) OTLP metrics and logs to the collector.
  env.OTEL_METRICS_EXPORTER ??= "none";
  env.OTEL_LOGS_EXPORTER ??= "none";
  const sdk = new NodeSDK({
    serviceName: env.OTEL_SERVICE_NAME?.trim() || "newsgraph",
    spanProcessors: [new BatchSpanProcessor({ exporter: new OTLPTraceExporter({ url }) })],
    instrumentations: [
      new HttpInstrumentation({
        // Probes and scrapes would be most of the traces and tell nothing.
        ignoreIncomingRequestHook: (req) => /^\/(healthz|readyz|metrics)(\?|$)/.test(req.url ?? ""),
      }),
      new ExpressInstrumentation(),
      // Resolver spans only for fields that do work; the trivial ones would swamp a trace.
      new GraphQLInstrumentation({ ignoreTrivialResolveSpans: true, mergeItems: true }),
      // Statement text is kept (it has $n placeholders, never values); parameters are not recorded.
      new PgInstrumentation({ enhancedDatabaseReporting: false }),
      new IORedisInstrumentation(),
    ],
  });
  sdk.start();

  const tracer = api.trace.getTracer("newsgraph");
  /** `fn` inside `span`, which ends with it (marked as failed when it throws). */
  const ended = async <T>(span: import("@opentelemetry/api").Span, fn: () => Promise<T>): Promise<T> => {
    try {
      return await fn();
    } catch (err) {
      span.recordException(err as Error);
      span.setStatus({ code: api.SpanStatusCode.ERROR });
      throw err;
    } finally {
      span.end();
    }
  };
  installTracingHooks({
    currentCarrier() {
      if (!api.trace.getActiveSpan()?.isRecording()) return null;
      const carrier: TraceCarrier = {};
      api.propagation.inject(api.context.active(), carrier);
      return carrier.traceparent ? carrier : null;
    },
    linkedSpan(name, carriers, attributes, fn) {
      const links = carriers.flatMap((c) => {
        if (!c) return [];
        const sc = api.trace.getSpanContext(api.propagation.extract(api.ROOT_CONTEXT, c));
        return sc && api.isSpanContextValid(sc) ? [{ context: sc }] : [];
      });
      // A root of its own (the consumer's trace), linked to each trace that caused it.
      return tracer.startActiveSpan(name, { root: true, links, attributes, kind: api.SpanKind.CONSUMER }, (span) =>
        ended(span, fn),
      );
    },
    span(name, attributes, fn) {
      return tracer.startActiveSpan(name, { attributes }, (span) => ended(span, fn));
    },
    logFields(): Record<string, string> {
      const sc = api.trace.getActiveSpan()?.spanContext();
      return sc ? { trace_id: sc.traceId, span_id: sc.spanId } : {};
    },
  });
  started = { shutdown: () => sdk.shutdown() };
  return started;
}

startTracing();
