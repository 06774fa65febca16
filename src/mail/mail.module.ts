import { Module } from '@nestjs/common';
import { MailTemplates } from './mail-templates';
import { MailTransport } from './mail-transport.service';

@Module({ providers: [MailTransport, MailTemplates], exports: [MailTransport, MailTemplates] })
export class MailModule {}
