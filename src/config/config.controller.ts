import { Body, Controller, Get, HttpCode, Post, UsePipes } from '@nestjs/common';
import { z } from 'zod';
import { schemaValidationPipe } from '../common/schema-validation.pipe';
import { SettingsEditor } from './settings-editor.service';

const saveBodySchema = z.object(
  {
    // Kept as sent (not copied into a new record): a `__proto__` key stays an own key to refuse.
    config: z.custom<Record<string, unknown>>(isPlainObject, {
      message: 'config must be an object of setting names and values',
    }),
  },
  { message: 'the body must be a JSON object {"config": {...}}' },
);

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The panel's settings routes (panel session required):
 * - `GET /config/get`: `{config, env_locked, restart_required, default_password_in_use}`, with
 *   secrets masked as `********` (`""` when an optional password is unset).
 * - `POST /config/save {config: {...}}`: all or nothing; 400 with `errors[{key, reason}]`.
 */
@Controller('config')
@UsePipes(schemaValidationPipe)
export class ConfigController {
  constructor(private readonly editor: SettingsEditor) {}

  @Get('get')
  get() {
    return this.editor.view();
  }

  @Post('save')
  @HttpCode(200)
  save(@Body({ schema: saveBodySchema }) body: z.infer<typeof saveBodySchema>) {
    return this.editor.save(body.config);
  }
}
