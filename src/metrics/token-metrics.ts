import { gatewayMetrics } from './gateway-metrics';

/** Counts one token refresh: `success` without a failure, else `permanent` or `temporary`. */
export function noteTokenRefresh(failure: { permanent: boolean } | undefined): void {
  const outcome = failure === undefined ? 'success' : failure.permanent ? 'permanent' : 'temporary';
  gatewayMetrics.tokenRefreshes.inc({ outcome });
}
