/**
 * Options every gateway app is created with. Nest's own body parsers are off: model routes read
 * their bodies in `apiJsonBody` after the API key check, every other route in
 * `JsonBodyGuard` after the AuthGuard, so no body is read before its caller is known.
 */
export const GATEWAY_APP_OPTIONS = { bodyParser: false } as const;
