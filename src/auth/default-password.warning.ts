import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { SettingsService } from '../config/settings.service';
import { DEFAULT_PASSWORD } from '../config/settings.registry';
import type { StorageSelection } from '../storage/select-backend';
import { InjectStorageSelection } from '../storage/storage.decorators';
import { degradedDefaultRefusal } from './degraded-default';

/** Says at start-up, as a WARN, when the default password `pwd` guards the APIs or the panel. */
@Injectable()
export class DefaultPasswordWarning implements OnApplicationBootstrap {
  private readonly logger = new Logger('Auth');

  constructor(
    private readonly settings: SettingsService,
    @InjectStorageSelection() private readonly selection: StorageSelection,
  ) {}

  onApplicationBootstrap() {
    const uses = [
      ['API', this.settings.apiPassword(), 'API_PASSWORD'],
      ['panel', this.settings.panelPassword(), 'PANEL_PASSWORD'],
    ] as const;
    for (const [what, password, env] of uses) {
      if (password.value !== DEFAULT_PASSWORD) continue;
      this.logger.warn(
        `The ${what} password is the default '${DEFAULT_PASSWORD}': set ${env} or PASSWORD, ` +
          'or change it in the panel',
      );
      if (password.isDefault && this.selection.degraded) {
        this.logger.warn(
          `${degradedDefaultRefusal(this.selection, what, `${env} or PASSWORD`)} Until then ` +
            `${what} requests with the default password are refused.`,
        );
      }
    }
  }
}
