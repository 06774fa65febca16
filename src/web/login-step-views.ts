import { Injectable } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { toString as qrToString } from 'qrcode';
import type { Enrolment } from '../auth/auth.service';
import { WebRenderer, WebRequest } from './web-renderer.service';

/**
 * The pages of a login's second step and of setting up a second factor. The QR code is drawn
 * on the server as SVG (no script, no request elsewhere); the secret is shown beside it for
 * typing by hand. Challenge tokens travel in hidden fields, never in a URL.
 */
@Injectable()
export class LoginStepViews {
  constructor(private readonly renderer: WebRenderer) {}

  code(req: WebRequest, reply: FastifyReply, data: { challenge: string; next: string; error?: string }, status = 200) {
    return this.renderer.render(req, reply, 'login-code', { values: { challenge: data.challenge, next: data.next }, errors: data.error ? { form: data.error } : {} }, status);
  }

  async enrol(req: WebRequest, reply: FastifyReply, data: { challenge: string; enrolment: Enrolment; next: string; action: string; error?: string }, status = 200) {
    const qrSvg = await qrToString(data.enrolment.otpauthUri, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
    return this.renderer.render(
      req,
      reply,
      'login-enrol',
      {
        values: { challenge: data.challenge, next: data.next },
        errors: data.error ? { form: data.error } : {},
        action: data.action,
        qrSvg,
        secret: data.enrolment.secret,
        secretGrouped: data.enrolment.secret.replace(/(.{4})(?=.)/g, '$1 '),
      },
      status,
    );
  }

  /** Shown once, straight from the request that made them; the page is not cached (no-store). */
  recoveryCodes(req: WebRequest, reply: FastifyReply, data: { codes: string[]; continueTo: string }) {
    return this.renderer.render(req, reply, 'recovery-codes', { codes: data.codes, continueTo: data.continueTo });
  }
}
