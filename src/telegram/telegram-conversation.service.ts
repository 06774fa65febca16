import { Inject, Injectable } from '@nestjs/common';
import { DomainError } from '../common/domain-errors';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { ComplaintIntakeService } from '../complaints/complaint-intake.service';
import { AGE_GROUPS, CATEGORIES, GENDERS } from '../complaints/complaint.constants';
import { validatePublicComplaint } from '../complaints/dto/validate-public';
import { FeedbackService } from '../complaints/feedback.service';
import { chatKeyOf } from './telegram-crypto';
import { Draft, TelegramConversations } from './telegram-conversations.repository';
import { TelegramStatusFlow } from './telegram-status.flow';
import { BOT_LANGUAGES, botText, BotLanguage, Button, isBotLanguage, Reply, rows } from './telegram-texts';

/** One update as the conversation sees it: a typed text or a pressed button's data. */
export interface BotInput {
  text?: string;
  data?: string;
}

const LANGUAGE_NAMES: Record<BotLanguage, string> = { tg: 'Тоҷикӣ', ru: 'Русский', en: 'English' };

/**
 * The bot's conversation: /start (language, the privacy notice), a complaint step by step, /status
 * (in TelegramStatusFlow), /rate and /forget. State lives in the database by the chat's keyed hash,
 * so any instance can answer the next update; nothing of the draft is kept after submission.
 */
@Injectable()
export class TelegramConversationService {
  constructor(
    private readonly store: TelegramConversations,
    private readonly intake: ComplaintIntakeService,
    private readonly feedback: FeedbackService,
    private readonly status: TelegramStatusFlow,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async handle(chatId: number | string, input: BotInput): Promise<Reply[]> {
    const chatKey = chatKeyOf(this.config, chatId);
    const loaded = await this.store.touch(chatKey);
    const lang = loaded.language ?? 'ru';
    if (loaded.rate === 'silent') return [];
    if (loaded.rate === 'over') return [{ text: botText(lang, 'rate_limited') }];
    const text = input.text?.trim() ?? '';
    const command = /^\/([a-z]+)(?:@\w+)?$/i.exec(text)?.[1]?.toLowerCase();

    if (command === 'forget') {
      await this.store.forget(chatKey);
      return [{ text: botText(lang, 'forgotten') }];
    }
    if (command === 'start' || !loaded.language) {
      if (input.data?.startsWith('lang:') && isBotLanguage(input.data.slice(5))) {
        const chosen = input.data.slice(5) as BotLanguage;
        await this.store.save(chatKey, chosen, null);
        return [{ text: botText(chosen, 'welcome') }, { text: botText(chosen, 'privacy') }, this.menu(chosen)];
      }
      await this.store.save(chatKey, loaded.language, null);
      return [{ text: botText(lang, 'choose_language'), buttons: [BOT_LANGUAGES.map((l) => ({ text: LANGUAGE_NAMES[l], data: `lang:${l}` }))] }];
    }
    const flow = async (draft: Draft | null, replies: Reply[]) => {
      await this.store.save(chatKey, lang, draft);
      return replies;
    };
    if (command === 'cancel') return flow(null, [{ text: botText(lang, 'cancelled') }, this.menu(lang)]);
    if (command === 'help') return flow(loaded.draft, [{ text: botText(lang, 'help') }]);
    if (command === 'new' || input.data === 'menu:new') return flow({ flow: 'intake', step: 'city' }, [await this.cityQuestion(lang, 'ask_city')]);
    if (command === 'status' || input.data === 'menu:status') return flow({ flow: 'status', step: 'reference' }, [{ text: botText(lang, 'ask_reference') }]);
    if (command === 'rate' || input.data === 'menu:rate') return flow({ flow: 'rate', step: 'city' }, [await this.cityQuestion(lang, 'rate_city')]);
    if (command) return flow(loaded.draft, [{ text: botText(lang, 'unknown') }]);
    if (!loaded.draft) return flow(null, loaded.expired ? [{ text: botText(lang, 'expired') }] : [{ text: botText(lang, 'unknown') }, this.menu(lang)]);

    const draft = loaded.draft;
    if (draft.flow === 'status') {
      const { next, replies } = await this.status.step(lang, chatKey, draft, input);
      return flow(next, replies);
    }
    if (draft.flow === 'rate') return flow(...(await this.rateStep(lang, draft, input)));
    const { next, replies } = await this.intakeStep(lang, chatId, chatKey, draft, input);
    return flow(next, replies);
  }

  private menu(lang: BotLanguage): Reply {
    return {
      text: botText(lang, 'menu'),
      buttons: [[{ text: botText(lang, 'menu_new'), data: 'menu:new' }], [{ text: botText(lang, 'menu_status'), data: 'menu:status' }], [{ text: botText(lang, 'menu_rate'), data: 'menu:rate' }]],
    };
  }

  private async cityQuestion(lang: BotLanguage, key: string): Promise<Reply> {
    const cities = await this.feedback.cities();
    return { text: botText(lang, key), buttons: rows(cities.map((c) => ({ text: c.name, data: `city:${c.id}` }))) };
  }

  private async facilityButtons(cityId: number): Promise<Button[]> {
    const facilities = await this.feedback.facilities(cityId);
    return facilities.slice(0, 90).map((f) => ({ text: f.name, data: `fac:${f.id}` }));
  }

  /** Applies one answer of the complaint flow; answers the next question (or the result). */
  private async intakeStep(lang: BotLanguage, chatId: number | string, chatKey: string, d: Draft, input: BotInput): Promise<{ next: Draft | null; replies: Reply[] }> {
    const t = (key: string, vars?: Record<string, string | number>) => botText(lang, key, vars);
    const again = (key = 'invalid_choice') => ({ next: d, replies: [{ text: t(key) }, this.question(lang, d)].filter(Boolean) as Reply[] });
    const text = input.text?.trim();
    const data = input.data;
    const skip = data === 'skip';
    const go = async (step: string, changes: Partial<Draft> = {}) => {
      const next = { ...d, ...changes, step };
      return { next, replies: [await this.ask(lang, next)] };
    };
    switch (d.step) {
      case 'city': {
        const cityId = Number(data?.startsWith('city:') ? data.slice(5) : NaN);
        if (!Number.isInteger(cityId)) return again();
        return go('facility', { cityId });
      }
      case 'facility':
        if (data === 'fac:none') return go('category', { facilityId: null });
        if (!data?.startsWith('fac:')) return again();
        return go('category', { facilityId: Number(data.slice(4)) });
      case 'category':
        if (!data?.startsWith('cat:') || !(CATEGORIES as readonly string[]).includes(data.slice(4))) return again();
        return go('description', { category: data.slice(4) });
      case 'description':
        if (!text) return again('invalid_description');
        if ((await this.problemsOf({ ...d, description: text })).some((p) => p.startsWith('description'))) return again('invalid_description');
        return go('desired', { description: text });
      case 'desired':
        if (!skip && !text) return again();
        if (text && (await this.problemsOf({ ...d, desiredOutcome: text })).some((p) => p.startsWith('desiredOutcome'))) return again('invalid_desired');
        return go('gender', skip ? {} : { desiredOutcome: text });
      case 'gender':
        if (!skip && !(GENDERS as readonly string[]).includes(data?.slice(2) ?? '')) return again();
        return go('age', skip ? {} : { gender: data!.slice(2) });
      case 'age':
        if (!skip && !(AGE_GROUPS as readonly string[]).includes(data?.slice(2) ?? '')) return again();
        return go('contact', skip ? {} : { ageGroup: data!.slice(2) });
      case 'contact': {
        if (skip) return go('notify');
        if (!text) return again('invalid_contact');
        const contact = text.includes('@') ? { email: text } : { phone: text };
        if ((await this.problemsOf({ ...d, contact })).some((p) => p.startsWith('contact'))) return again('invalid_contact');
        return go('may_contact', { contact });
      }
      case 'may_contact':
        if (data !== 'yes' && data !== 'no') return again();
        return go('disclose', { mayContact: data === 'yes' });
      case 'disclose':
        if (data !== 'yes' && data !== 'no') return again();
        return go('notify', { disclose: data === 'yes' });
      case 'notify': {
        if (data !== 'yes' && data !== 'no') return again();
        const { dto, problems } = await validatePublicComplaint(this.plain(d));
        if (problems.length) return { next: d, replies: [{ text: t('invalid_generic', { message: problems.join('; ') }) }] };
        const notify = data === 'yes' ? { chatId: String(chatId), chatKey, language: lang } : null;
        let result;
        try {
          result = await this.intake.submitTelegram(dto, notify);
        } catch (err) {
          // The intake's own checks (a city or facility that no longer exists): start again.
          if (err instanceof DomainError && err.code === 'VALIDATION') return { next: null, replies: [{ text: t('invalid_generic', { message: err.message }) }] };
          throw err;
        }
        const replies: Reply[] = [{ text: t('submitted', { reference: result.reference, code: result.trackingCode, trackUrl: `${this.config.publicUrl}/track` }) }];
        if (notify) replies.push({ text: t('notify_on') });
        // Nothing of the complaint stays in the conversation once it is filed.
        return { next: null, replies };
      }
    }
    return { next: null, replies: [{ text: t('unknown') }] };
  }

  /** The question of the draft's current step. */
  private question(lang: BotLanguage, d: Draft): Reply | null {
    const t = (key: string) => botText(lang, key);
    const skip = { text: t('skip'), data: 'skip' };
    const yesNo = [[{ text: t('yes'), data: 'yes' }, { text: t('no'), data: 'no' }]];
    switch (d.step) {
      case 'category':
        return { text: t('ask_category'), buttons: rows(CATEGORIES.map((c) => ({ text: t(`category.${c}`), data: `cat:${c}` }))) };
      case 'description':
        return { text: t('ask_description') };
      case 'desired':
        return { text: t('ask_desired'), buttons: [[skip]] };
      case 'gender':
        return { text: t('ask_gender'), buttons: [...rows(GENDERS.map((g) => ({ text: t(`gender.${g}`), data: `g:${g}` }))), [skip]] };
      case 'age':
        return { text: t('ask_age'), buttons: [...rows(AGE_GROUPS.map((a) => ({ text: a, data: `a:${a}` })), 3), [skip]] };
      case 'contact':
        return { text: t('ask_contact'), buttons: [[skip]] };
      case 'may_contact':
        return { text: t('ask_may_contact'), buttons: yesNo };
      case 'disclose':
        return { text: t('ask_disclose'), buttons: yesNo };
      case 'notify':
        return { text: t('ask_notify'), buttons: yesNo };
    }
    return null;
  }

  /** The next question, with the keyboards that need the database (cities, facilities). */
  private async ask(lang: BotLanguage, d: Draft): Promise<Reply> {
    if (d.step === 'facility') {
      const buttons = await this.facilityButtons(d.cityId!);
      return { text: botText(lang, 'ask_facility'), buttons: [...rows(buttons, 1), [{ text: botText(lang, 'facility_none'), data: 'fac:none' }]] };
    }
    return this.question(lang, d)!;
  }

  /** The draft as the public form's body. */
  private plain(d: Draft): Record<string, unknown> {
    return {
      cityId: d.cityId,
      ...(d.facilityId ? { facilityId: d.facilityId } : {}),
      category: d.category,
      description: d.description,
      ...(d.desiredOutcome ? { desiredOutcome: d.desiredOutcome } : {}),
      ...(d.gender ? { gender: d.gender } : {}),
      ...(d.ageGroup ? { ageGroup: d.ageGroup } : {}),
      ...(d.contact ? { contact: d.contact, consents: { mayContact: d.mayContact ?? false, discloseIdentityToFacility: d.disclose ?? false } } : {}),
    };
  }

  /** The public form's messages for the draft so far (the fields not asked yet filled in harmlessly). */
  private async problemsOf(d: Draft): Promise<string[]> {
    const { problems } = await validatePublicComplaint(this.plain({ ...d, category: d.category ?? 'other', description: d.description ?? 'placeholder' }));
    return problems.map((p) => `${p.field}: ${p.messages.join(', ')}`);
  }

  /** /rate: city, facility, then the five aspects 1–5; anonymous. */
  private async rateStep(lang: BotLanguage, d: Draft, input: BotInput): Promise<[Draft | null, Reply[]]> {
    const aspects = ['waitingTime', 'staffAttitude', 'openingHours', 'confidentiality', 'overall'] as const;
    const aspectQuestion = (i: number): Reply => ({
      text: botText(lang, 'rate_aspect', { aspect: botText(lang, `aspect.${aspects[i]}`) }),
      buttons: [[1, 2, 3, 4, 5].map((n) => ({ text: String(n), data: `r:${n}` }))],
    });
    if (d.step === 'city') {
      const cityId = Number(input.data?.startsWith('city:') ? input.data.slice(5) : NaN);
      if (!Number.isInteger(cityId)) return [d, [{ text: botText(lang, 'invalid_choice') }]];
      const buttons = await this.facilityButtons(cityId);
      if (!buttons.length) return [null, [{ text: botText(lang, 'no_facilities') }]];
      return [{ ...d, step: 'facility', cityId }, [{ text: botText(lang, 'rate_facility'), buttons: rows(buttons, 1) }]];
    }
    if (d.step === 'facility') {
      if (!input.data?.startsWith('fac:')) return [d, [{ text: botText(lang, 'invalid_choice') }]];
      return [{ ...d, step: 'aspect', facilityId: Number(input.data.slice(4)), ratings: {} }, [aspectQuestion(0)]];
    }
    const n = Number(input.data?.startsWith('r:') ? input.data.slice(2) : NaN);
    const ratings = { ...d.ratings };
    const i = Object.keys(ratings).length;
    if (!(n >= 1 && n <= 5 && Number.isInteger(n))) return [d, [{ text: botText(lang, 'invalid_choice') }, aspectQuestion(i)]];
    ratings[aspects[i]] = n;
    if (i + 1 < aspects.length) return [{ ...d, ratings }, [aspectQuestion(i + 1)]];
    await this.feedback.submit({ facilityId: d.facilityId!, ratings: ratings as Record<(typeof aspects)[number], number> });
    return [null, [{ text: botText(lang, 'rate_thanks') }]];
  }
}
