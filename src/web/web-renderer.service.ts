import { Inject, Injectable } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { I18nService } from 'nestjs-i18n';
import type { Actor } from '../auth/actor';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { longDate } from '../common/long-date';
import { splitArgs } from './field-rules';
import type { FieldErrors } from './web-errors';
import { LOCALES, resolveLang, WEB_LANGS, WebLang } from './web-i18n';

export type WebRequest = FastifyRequest & { actor?: Actor; webLang?: WebLang };
export type Translate = (key: string, args?: Record<string, unknown>) => string;

/** What a page with forms shows besides its data: the values sent back, messages, a refusal, a notice. */
export interface FormState {
  status?: number;
  values?: Record<string, unknown>;
  errors?: FieldErrors;
  refusal?: string;
  flash?: string;
}

/** Renders an eta view inside the layout with what every page needs: translations, language, CSRF token, actor. */
@Injectable()
export class WebRenderer {
  constructor(
    private readonly i18n: I18nService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  lang(req: WebRequest): WebLang {
    req.webLang ??= resolveLang(req);
    return req.webLang;
  }

  /**
   * A key may carry the values its text names (`rule.passwordMin?min=12`, `validation.atMost?n=5000`,
   * as field-rules.ts and web-validation.ts write them): numbers and calendar dates are shown as the
   * reader writes them ("5 000", "1 мая 2026 г.").
   */
  translator(lang: WebLang): Translate {
    const num = new Intl.NumberFormat(LOCALES[lang]);
    const shown = (v: string) => (/^\d{4}-\d{2}-\d{2}$/.test(v) ? longDate(v, lang) : /^\d+$/.test(v) ? num.format(Number(v)) : v);
    // A date ending in "г." put before the message's own full stop gives one dot, not "г..".
    const oneDot = (text: string) => text.replace(/(?<!\.)\.\.(?!\.)/g, '.');
    return (full, extra) => {
      const { key, args } = splitArgs(full);
      const values = args && Object.fromEntries(Object.entries(args).map(([k, v]) => [k, shown(v)]));
      return oneDot(this.i18n.t(`web.${key}`, { lang, args: values || extra ? { ...values, ...extra } : undefined }) as string);
    };
  }

  formatters(lang: WebLang) {
    const locale = LOCALES[lang];
    const tz = this.config.timeZone;
    const dateTime = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short', timeZone: tz });
    const date = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone: tz });
    const day = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone: 'UTC' });
    const pct = new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 0 });
    const num = new Intl.NumberFormat(locale, { maximumFractionDigits: 1 });
    return {
      /** An instant in the configured time zone. */
      fmtDateTime: (d: Date | number | null | undefined) => (d == null ? '' : dateTime.format(new Date(d))),
      fmtDate: (d: Date | number | null | undefined) => (d == null ? '' : date.format(new Date(d))),
      /** A calendar date 'YYYY-MM-DD' (no time zone shift). */
      fmtDay: (s: string | null | undefined) => (s ? day.format(new Date(`${s}T00:00:00Z`)) : ''),
      fmtPct: (x: number | null | undefined) => (x == null ? '–' : pct.format(x)),
      fmtNum: (x: number | null | undefined) => (x == null ? '–' : num.format(x)),
    };
  }

  /** A page with forms: its data, and the state of the form that was sent (a refusal's status with it). */
  renderForm(req: WebRequest, reply: FastifyReply, view: string, data: object, state: FormState = {}): Promise<FastifyReply> {
    const { status = 200, values = {}, errors = {}, refusal, flash } = state;
    return this.render(req, reply, view, { ...data, values, errors, refusal, flash }, status);
  }

  async render(req: WebRequest, reply: FastifyReply, view: string, data: Record<string, unknown> = {}, status = 200): Promise<FastifyReply> {
    const lang = this.lang(req);
    const t = this.translator(lang);
    const csrf = (reply as FastifyReply & { generateCsrf: () => string }).generateCsrf();
    // A value without its own message (e.g. a new timeline event type) falls back to a general one.
    const tx = (key: string, fallback: string) => {
      const s = t(key);
      return s === `web.${key}` ? t(fallback) : s;
    };
    // Seeded cities have names in every language; a city an admin adds later shows its own name.
    const cityName = (c: { code: string; name: string }) => {
      const s = t(`city.${c.code}`);
      return s === `web.city.${c.code}` ? c.name : s;
    };
    const html = await reply.viewAsync(view, {
      t,
      tx,
      cityName,
      lang,
      langs: WEB_LANGS,
      csrf,
      actor: req.actor && req.actor.kind !== 'public' ? req.actor : null,
      path: req.url,
      errors: {},
      values: {},
      ...this.formatters(lang),
      ...data,
    });
    return reply
      .status(status)
      .header('content-type', 'text/html; charset=utf-8')
      .header('cache-control', 'no-store')
      .send(html);
  }
}
