/*
 * What the rest of the code asks of tracing, with nothing behind it until src/tracing.ts installs
 * the OpenTelemetry SDK (OTEL_EXPORTER_OTLP_ENDPOINT set). Kept free of OpenTelemetry imports, so
 * that with tracing off nothing of the SDK is loaded and each call below is one null check.
 */

/** W3C trace context as carried in an outbox row: traceparent and, when present, tracestate. */
export type TraceCarrier = Record<string, string>;

export interface TracingHooks {
  /** The active span's context as W3C headers (null: no recording span). */
  currentCarrier(): TraceCarrier | null;
  /** Run `fn` in a new span linked to the traces of `links` (a consumer's work caused by earlier events). */
  linkedSpan<T>(
    name: string,
    links: readonly (TraceCarrier | null | undefined)[],
    attributes: Record<string, string | number>,
    fn: () => Promise<T>,
  ): Promise<T>;
  /** Run `fn` in a new span under the active one. */
  span<T>(name: string, attributes: Record<string, string | number | boolean>, fn: () => Promise<T>): Promise<T>;
  /** trace_id and span_id of the active span, for log lines. */
  logFields(): Record<string, string>;
}

let hooks: TracingHooks | null = null;

/** Called once by src/tracing.ts when it has started the SDK. */
export function installTracingHooks(h: TracingHooks): void {
  hooks = h;
}

export const tracingActive = (): boolean => hooks !== null;

/** The trace context to store with an outbox event (null with tracing off). */
export function currentTraceCarrier(): TraceCarrier | null {
  return hooks ? hooks.currentCarrier() : null;
}

/** A span for a consumer's unit of work, linked to the publishes (and other writes) that caused it; just `fn` with tracing off. */
export function withLinkedSpan<T>(
  name: string,
  links: readonly (TraceCarrier | null | undefined)[],
  attributes: Record<string, string | number>,
  fn: () => Promise<T>,
): Promise<T> {
  return hooks ? hooks.linkedSpan(name, links, attributes, fn) : fn();
}

/** A span for a step of the current request (a compiled read); just `fn` with tracing off. */
export function withSpan<T>(
  name: string,
  attributes: Record<string, string | number | boolean>,
  fn: () => Promise<T>,
): Promise<T> {
  return hooks ? hooks.span(name, attributes, fn) : fn();
}

/** pino mixin: trace_id and span_id on every line logged inside a span (null with tracing off: no mixin at all). */
export function traceLogMixin(): (() => Record<string, string>) | null {
  const h = hooks;
  return h ? () => h.logFields() : null;
}
