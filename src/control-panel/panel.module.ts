import { Module } from '@nestjs/common';
import { defaultPanelDir, PanelAssets } from './panel-assets';
import { PANEL_ASSETS, PanelController } from './panel.controller';

/** Serves the built control panel (`panel/`, built into `dist/panel`) at `/`. */
@Module({
  controllers: [PanelController],
  providers: [{ provide: PANEL_ASSETS, useFactory: () => new PanelAssets(defaultPanelDir()) }],
})
export class PanelModule {}
