import { Module } from '@nestjs/common';
import { AcceptLanguageResolver, CookieResolver, I18nModule } from 'nestjs-i18n';
import { join } from 'node:path';
import { AuditModule } from '../audit/audit.module';
import { ComplaintsModule } from '../complaints/complaints.module';
import { CouncilsModule } from '../councils/councils.module';
import { EscalationsModule } from '../escalations/escalations.module';
import { FacilitiesModule } from '../facilities/facilities.module';
import { StatisticsModule } from '../statistics/statistics.module';
import { SlipsModule } from '../slips/slips.module';
import { UsersModule } from '../users/users.module';
import { AdminPagesController } from './admin-pages.controller';
import { SlipPagesController } from './slip-pages.controller';
import { AdminViews } from './admin-views.service';
import { ComplaintPageViews } from './complaint-page-views.service';
import { DashboardViews } from './dashboard-views.service';
import { FacilityPagesController } from './facility-pages.controller';
import { LoginPagesController } from './login-pages.controller';
import { LoginStepViews } from './login-step-views';
import { MemberPagesController } from './member-pages.controller';
import { MemberViews } from './member-views.service';
import { PublicPagesController } from './public-pages.controller';
import { PublicViews } from './public-views.service';
import { ERROR_PAGES } from '../common/error-pages';
import { WebErrorPages } from './web-error-pages';
import { WebExceptionFilter } from './web-exception.filter';
import { LANG_COOKIE } from './web-i18n';
import { WebRenderer } from './web-renderer.service';
import { WebSessionService } from './web-session.service';
import { WebGuard } from './web.guard';
import { PageHandoffs } from './page-handoff.service';

export const I18N_DIR = join(__dirname, '..', 'i18n');

/** Server-rendered pages for service users, council members, facility administrators and admins. */
@Module({
  imports: [
    I18nModule.forRoot({
      fallbackLanguage: 'ru',
      loaderOptions: { path: I18N_DIR, watch: false },
      // Pages pick the language themselves (web-i18n.ts); no global middleware. The resolvers mirror
      // that order for anything else that asks nestjs-i18n for the request language.
      disableMiddleware: true,
      // The renderer passes the language to every lookup, so no request needs an I18nContext
      // carried through AsyncLocalStorage (which costs every API request too).
      skipAsyncHook: true,
      resolvers: [new CookieResolver([LANG_COOKIE]), AcceptLanguageResolver],
      logging: false,
    }),
    AuditModule,
    ComplaintsModule,
    EscalationsModule,
    CouncilsModule,
    FacilitiesModule,
    StatisticsModule,
    UsersModule,
    SlipsModule,
  ],
  // One controller per audience: service users, staff login, council members, facilities, admins.
  controllers: [PublicPagesController, LoginPagesController, MemberPagesController, FacilityPagesController, AdminPagesController, SlipPagesController],
  providers: [WebRenderer, WebSessionService, LoginStepViews, WebGuard, WebExceptionFilter, PageHandoffs, PublicViews, MemberViews, ComplaintPageViews, AdminViews, DashboardViews, { provide: ERROR_PAGES, useClass: WebErrorPages }],
  exports: [ERROR_PAGES],
})
export class WebModule {}
