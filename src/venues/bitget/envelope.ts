/** Bitget's success envelope. `msg` must be exactly "success": ccxt treats any other text as an error. */
export interface BitgetEnvelope<T> {
  readonly code: '00000';
  readonly msg: 'success';
  readonly requestTime: number;
  readonly data: T;
}

/** `nowMs` is the server clock's time: the request's, as the venue stamps it. */
export function success<T>(data: T, nowMs: number): BitgetEnvelope<T> {
  return { code: '00000', msg: 'success', requestTime: nowMs, data };
}

/**
 * The success envelope as JSON text around `dataJson` (already JSON): the bytes the route's
 * response schema would serialize from `success(data, nowMs)`, for a data part kept rendered.
 */
export function successText(dataJson: string, nowMs: number): string {
  return `{"code":"00000","msg":"success","requestTime":${nowMs},"data":${dataJson}}`;
}
