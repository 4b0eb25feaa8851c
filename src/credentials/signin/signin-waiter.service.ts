import { Injectable } from '@nestjs/common';
import { SigninError } from './signin.errors';
import { type SigninDone, SigninFlows } from './signin-flows.service';

/** How long `POST /auth/callback` waits for the browser's callback (milliseconds), as gcli2api. */
export const CALLBACK_WAIT_MS = 60_000;
const POLL_MS = 250;

/**
 * `POST /auth/callback`: waits until the sign-in the callback listener is finishing is done,
 * reading its status from storage (so the listener may run in another instance).
 */
@Injectable()
export class SigninWaiter {
  constructor(private readonly flows: SigninFlows) {}

  async wait(state: string | undefined): Promise<SigninDone> {
    const target = state ?? this.flows.newestStarted();
    if (!target) throw new SigninError('state', 400, 'no sign-in was started; call /auth/start');
    const deadline = Date.now() + CALLBACK_WAIT_MS;
    for (;;) {
      const status = await this.flows.status(target);
      if (status.status === 'completed') {
        const { filename, user_email, project_id, auto_detected_project, is_antigravity } = status;
        return { filename, user_email, project_id, auto_detected_project, is_antigravity };
      }
      if (status.status === 'failed') throw new SigninError(status.step, 400, status.message);
      if (status.status === 'not_found') throw new SigninError('state', 400, status.message);
      if (Date.now() >= deadline) {
        throw new SigninError(
          'authorization',
          408,
          'no callback from Google yet: open auth_url and sign in, or paste the address with /auth/callback-url',
        );
      }
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  }
}
