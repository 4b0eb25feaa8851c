import {
  BadRequestException,
  Body,
  Controller,
  Get,
  HttpCode,
  HttpException,
  Param,
  Post,
  UsePipes,
} from '@nestjs/common';
import { schemaValidationPipe } from '../../common/schema-validation.pipe';
import {
  type CallbackBody,
  callbackBodySchema,
  type CallbackUrlBody,
  callbackUrlBodySchema,
  parseCallbackUrl,
  type StartBody,
  startBodySchema,
} from './signin.schema';
import { SigninError } from './signin.errors';
import { type SigninDone, SigninFlows } from './signin-flows.service';
import { SigninWaiter } from './signin-waiter.service';

/**
 * Google sign-in routes of the panel (panel session required, like every route):
 * - `POST /auth/start {project_id?, use_antigravity?}` → `{auth_url, state, expires_in, ...}`;
 * - `POST /auth/callback {state?}` waits (up to a minute) for the callback listener to finish it;
 * - `POST /auth/callback-url {callback_url, project_id?, use_antigravity?}` finishes it from the
 *   pasted address, for a gateway whose callback port the browser cannot reach;
 * - `GET /auth/status/{state}` → pending, running, completed (name, e-mail) or failed (step, why).
 * A failure answers `{statusCode, message, step}` and stores nothing.
 */
@Controller('auth')
@UsePipes(schemaValidationPipe)
export class SigninController {
  constructor(
    private readonly flows: SigninFlows,
    private readonly waiter: SigninWaiter,
  ) {}

  @Post('start')
  @HttpCode(200)
  start(@Body({ schema: startBodySchema }) body: StartBody) {
    return this.flows.start({ projectId: body.project_id, antigravity: body.use_antigravity });
  }

  @Post('callback')
  @HttpCode(200)
  async callback(@Body({ schema: callbackBodySchema }) body: CallbackBody) {
    return answer(() => this.waiter.wait(body.state));
  }

  @Post('callback-url')
  @HttpCode(200)
  async callbackUrl(@Body({ schema: callbackUrlBodySchema }) body: CallbackUrlBody) {
    const parsed = parseCallbackUrl(body.callback_url);
    if ('reason' in parsed) throw new BadRequestException(parsed.reason);
    if (!parsed.code) {
      throw new BadRequestException(
        `Google did not sign in (${parsed.error ?? 'no code'}); start a new sign-in`,
      );
    }
    const { state, code } = parsed;
    return answer(() => this.flows.finish(state, code, { projectId: body.project_id }));
  }

  @Get('status/:state')
  status(@Param('state') state: string) {
    return this.flows.status(state);
  }
}

/** A finished sign-in in gcli2api's answer shape (without the secrets it used to include). */
async function answer(run: () => Promise<SigninDone>) {
  try {
    const done = await run();
    return {
      success: true,
      ...done,
      file_path: done.filename,
      message: `Signed in as ${done.user_email}; stored ${done.filename} (project ${done.project_id})`,
    };
  } catch (err) {
    if (!(err instanceof SigninError)) throw err;
    throw new HttpException(
      {
        statusCode: err.status,
        message: err.message,
        step: err.step,
        ...(err.step === 'project' ? { requires_manual_project_id: true } : {}),
      },
      err.status,
    );
  }
}
