import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';

/**
 * What `configureDocs` reads from the app: the controllers and their auth metadata, through
 * Nest's DiscoveryService. The routes themselves are set up by `configureDocs`.
 */
@Module({ imports: [DiscoveryModule] })
export class DocsModule {}
