import { Module } from '@nestjs/common';

/** Placeholder: filled in by the credentials work (issue 4). */
@Module({})
export class CredentialAdminModule {}
