// What is told of each request as it ends: metrics for API traffic, one access-log line (info for API
// traffic, debug for the rest, warn for a failure of ours or a provider's), and, for a fault of the
// gateway's own, its stack: the one place it is logged, however the request met it.
import { clientClosed, errorLabel, internalErrorDetail, unfinishedStatus } from '../errors/gateway-error.ts';
import type { Logger } from '../telemetry/logger.ts';
import type { Metrics } from '../telemetry/metrics.ts';
import type { RequestContext } from './context.ts';
import { secondsSince } from './context.ts';

export function createAccessLog(metrics: Metrics, logger: Logger): (context: RequestContext, isApi: boolean) => void {
  return function recordRequest(context, isApi) {
    const seconds = secondsSince(context.startedAt);
    // A response that never finished was cut short, whatever status it had started with: by its
    // client, or by the gateway's shutdown.
    const status = context.response.writableFinished ? context.response.statusCode : unfinishedStatus(context.error);
    const error = context.error ?? (status === 499 ? clientLeft : null);
    if (isApi) {
      metrics.requestFinished({
        model: context.metricsModel ?? 'unknown',
        provider: context.provider ?? 'none',
        status,
        errorType: error ? errorLabel(error) : null,
        durationSeconds: seconds,
        timeToFirstTokenSeconds: context.timeToFirstToken,
        inputTokens: context.usage?.inputTokens,
        outputTokens: context.usage?.outputTokens,
      });
    }
    if (error?.internal) logger.error('internal error', { request_id: context.requestId, path: context.path, error: internalErrorDetail(error) });
    const level = error && error.status >= 500 && error.status !== 499 ? 'warn' : isApi ? 'info' : 'debug';
    if (!logger.enabled(level)) return;
    logger[level]('request', {
      request_id: context.requestId,
      method: context.request.method,
      path: context.path,
      status,
      model: context.model,
      provider: context.provider,
      stream: context.stream,
      duration_ms: Math.round(seconds * 1e6) / 1e3,
      ttft_ms: context.timeToFirstToken === null ? null : Math.round(context.timeToFirstToken * 1e6) / 1e3,
      input_tokens: context.usage?.inputTokens ?? null,
      output_tokens: context.usage?.outputTokens ?? null,
      ...(error ? { error_type: error.type, error_code: error.code, error: error.message } : {}),
    });
  };
}

const clientLeft = clientClosed();
