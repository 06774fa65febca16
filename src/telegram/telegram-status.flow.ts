import { Injectable } from '@nestjs/common';
import { DomainError } from '../common/domain-errors';
import { ComplaintTrackingService, TrackView } from '../complaints/complaint-tracking.service';
import { groupTrackingCode, normaliseReference, normaliseTrackingCode } from '../complaints/public-code';
import type { Draft } from './telegram-conversations.repository';
import { botText, BotLanguage, Reply } from './telegram-texts';
import type { BotInput } from './telegram-conversation.service';

/**
 * /status: the reference, then the code, read with the public codes' lenient rules and checked by
 * the tracking service with its throttling (counted per chat, as the web counts per network);
 * then the status, the council's public note and, once an outcome is recorded, the confirmation.
 */
@Injectable()
export class TelegramStatusFlow {
  constructor(private readonly tracking: ComplaintTrackingService) {}

  async step(lang: BotLanguage, chatKey: string, d: Draft, input: BotInput): Promise<{ next: Draft | null; replies: Reply[] }> {
    const t = (key: string, vars?: Record<string, string | number>) => botText(lang, key, vars);
    const text = input.text?.trim() ?? '';
    const client = `telegram:${chatKey}`;
    if (d.step === 'reference') {
      const reference = normaliseReference(text);
      if (!reference) return { next: d, replies: [{ text: t('bad_reference') }] };
      return { next: { ...d, step: 'code', reference }, replies: [{ text: t('ask_code') }] };
    }
    if (d.step === 'code') {
      const code = normaliseTrackingCode(text);
      if (!code) return { next: null, replies: [{ text: t('not_found') }] };
      try {
        const view = await this.tracking.track({ reference: d.reference!, trackingCode: groupTrackingCode(code) }, client);
        const canConfirm = view.status === 'resolved' && view.complainantVerified === null;
        return { next: canConfirm ? { ...d, step: 'confirm', code } : null, replies: this.view(lang, view) };
      } catch (err) {
        return { next: null, replies: [{ text: t(refusal(err)) }] };
      }
    }
    // 'confirm': the answer to "was it solved for you?"
    if (input.data !== 'confirm:yes' && input.data !== 'confirm:no') return { next: d, replies: [{ text: t('invalid_choice') }] };
    try {
      await this.tracking.confirm({ reference: d.reference!, trackingCode: groupTrackingCode(d.code!), resolvedForMe: input.data === 'confirm:yes' }, client);
      return { next: null, replies: [{ text: t('confirm_thanks') }] };
    } catch (err) {
      if (err instanceof DomainError && err.code === 'CONFLICT') return { next: null, replies: [{ text: t('confirm_refused') }] };
      return { next: null, replies: [{ text: t(refusal(err)) }] };
    }
  }

  private view(lang: BotLanguage, v: TrackView): Reply[] {
    const t = (key: string, vars?: Record<string, string | number>) => botText(lang, key, vars);
    const lines = [t('status_view', { reference: v.reference, status: t(`status.${v.status}`) })];
    if (v.outcomePublicNote) lines.push(t('outcome_note', { note: v.outcomePublicNote }));
    if (v.complainantVerified !== null) lines.push(t(v.complainantVerified ? 'verified_yes' : 'verified_no'));
    const replies: Reply[] = [{ text: lines.join('\n\n') }];
    if (v.status === 'resolved' && v.complainantVerified === null) {
      replies.push({ text: t('confirm_ask'), buttons: [[{ text: t('confirm_yes'), data: 'confirm:yes' }, { text: t('confirm_no'), data: 'confirm:no' }]] });
    }
    return replies;
  }
}

function refusal(err: unknown): string {
  if (err instanceof DomainError && err.code === 'NOT_FOUND') return 'not_found';
  if (err instanceof DomainError && err.code === 'TOO_MANY_REQUESTS') return 'too_many';
  throw err;
}
