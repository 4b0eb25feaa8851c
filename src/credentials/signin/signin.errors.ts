/** The step of a sign-in that failed, as `GET /auth/status/{state}` and the errors name it. */
export type SigninStep = 'state' | 'authorization' | 'exchange' | 'email' | 'project' | 'store';

/** A sign-in that cannot finish; nothing was stored. The message says what to do. */
export class SigninError extends Error {
  constructor(
    readonly step: SigninStep,
    /** The HTTP status to answer with. */
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'SigninError';
  }
}
