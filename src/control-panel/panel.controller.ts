import { Controller, Get, Headers, Inject, NotFoundException, Param, Res } from '@nestjs/common';
import { Public } from '../auth/auth.decorators';
import type { PanelAsset, PanelAssets } from './panel-assets';

/** Injection token of the built panel's files. */
export const PANEL_ASSETS = Symbol('PANEL_ASSETS');

/**
 * The panel's only script, style and data sources are this origin: no inline script or style, no
 * CDN, no framing. Connections go to the admin routes of the same gateway.
 */
export const PANEL_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "manifest-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

type Response = {
  setHeader(name: string, value: string): void;
  status(code: number): Response;
  end(body?: Buffer): void;
};

/**
 * The control panel's static routes, open to all like the login route (they hold no data; every
 * call the panel makes goes through the guarded admin routes): `GET /` is the page, never cached
 * so a new build shows at once; `GET /assets/<hashed name>` its scripts and styles, cached for a
 * year since a new build gives them new names.
 */
@Controller()
@Public()
export class PanelController {
  constructor(@Inject(PANEL_ASSETS) private readonly assets: PanelAssets) {}

  @Get()
  page(@Headers('accept-encoding') encoding: string | undefined, @Res() res: Response) {
    const page = this.assets.get('index.html');
    if (!page) {
      throw new NotFoundException(
        'The control panel is not built: run `npm run build` (it builds panel/ into dist/panel)',
      );
    }
    send(res, page, encoding, 'no-cache');
  }

  @Get('assets/:file')
  asset(
    @Param('file') file: string,
    @Headers('accept-encoding') encoding: string | undefined,
    @Res() res: Response,
  ) {
    const asset = this.assets.get(`assets/${file}`);
    if (!asset) throw new NotFoundException('No such panel file');
    send(res, asset, encoding, 'public, max-age=31536000, immutable');
  }
}

function send(res: Response, asset: PanelAsset, encoding: string | undefined, cache: string) {
  const gzip = asset.gzip && /\bgzip\b/.test(encoding ?? '') ? asset.gzip : undefined;
  res.setHeader('Content-Type', asset.contentType);
  res.setHeader('Cache-Control', cache);
  res.setHeader('Content-Security-Policy', PANEL_CSP);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader('Vary', 'Accept-Encoding');
  if (gzip) res.setHeader('Content-Encoding', 'gzip');
  res.status(200).end(gzip ?? asset.body);
}
