import { Body, Controller, Get, HttpCode, Post, UsePipes } from '@nestjs/common';
import { z } from 'zod';
import { schemaValidationPipe } from '../common/schema-validation.pipe';
import { SettingsEditor } from './settings-editor.service';

const saveBodySchema = z.object(
  {
    // Prototype keys never get here: the validation pipe refuses them with a 400.
    config: z.record(z.string(), z.unknown(), {
      message: 'config must be an object of setting names and values',
    }),
  },
  { message: 'the body must be a JSON object {"config": {...}}' },
);

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
