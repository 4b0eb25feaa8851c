import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { Agent, type Dispatcher, ProxyAgent, Socks5ProxyAgent } from 'undici';
import { redactUrl } from '../common/redact-url';
import { SettingsService } from '../config/settings.service';

/** Idle keep-alive connections are closed after this long (milliseconds). */
const KEEP_ALIVE_MS = 60_000;

/**
 * The one connection pool of every call to Google: keep-alive connections reused across
 * requests, the configured timeouts, and the configured proxy (http, https or socks5). When
 * the proxy or a timeout setting changes, the next call gets a new pool and the old one closes
 * once its calls have finished.
 */
@Injectable()
export class UpstreamHttp implements OnApplicationShutdown {
  private readonly logger = new Logger('Upstream');
  private current?: { key: string; version: number; dispatcher: Dispatcher };

  constructor(private readonly settings: SettingsService) {}

  /** The dispatcher (pool) for the next call, per the current settings. */
  dispatcher(): Dispatcher {
    const version = this.settings.version;
    if (this.current?.version === version) return this.current.dispatcher;
    const proxy = this.settings.get('proxy');
    const options = {
      connectTimeout: this.settings.millis('upstream_connect_timeout'),
      headersTimeout: this.settings.millis('upstream_first_byte_timeout'),
      bodyTimeout: this.settings.millis('upstream_idle_timeout'),
      keepAliveTimeout: KEEP_ALIVE_MS,
      keepAliveMaxTimeout: KEEP_ALIVE_MS,
    };
    const key = JSON.stringify([proxy, options]);
    if (this.current?.key === key) {
      this.current.version = version;
      return this.current.dispatcher;
    }
    const previous = this.current?.dispatcher;
    const dispatcher = !proxy
      ? new Agent(options)
      : proxy.startsWith('socks5:')
        ? new Socks5ProxyAgent(proxy, options)
        : new ProxyAgent({ uri: proxy, ...options });
    if (proxy) this.logger.log(`Upstream calls go through the proxy ${redactUrl(proxy)}`);
    this.current = { key, version, dispatcher };
    // Calls in flight on the old pool finish; it takes no new ones.
    void previous?.close().catch(() => undefined);
    return dispatcher;
  }

  async onApplicationShutdown() {
    await this.current?.dispatcher.destroy().catch(() => undefined);
  }
}
