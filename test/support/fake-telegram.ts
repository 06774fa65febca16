import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A message the bot sent, as the fake Bot API recorded it. */
export interface SentMessage {
  chatId: number;
  text: string;
  buttons: { text: string; data: string }[];
}

/**
 * A Bot API server in the test process (grammY's `client.apiRoot` points here): getMe,
 * getUpdates (long polling from a queue the test fills), setWebhook/deleteWebhook, sendMessage
 * (recorded; a chat can be made to answer 403 or fail transiently) and answerCallbackQuery.
 */
export class FakeTelegram {
  readonly sent: SentMessage[] = [];
  readonly calls: string[] = [];
  readonly blocked = new Set<number>();
  /** sendMessage fails with 502 this many more times. */
  failNext = 0;
  private readonly updates: Record<string, unknown>[] = [];
  private server!: Server;
  private nextUpdateId = 1000;
  private nextMessageId = 1;
  url = '';

  async start(): Promise<void> {
    this.server = createServer((req, res) => void this.serve(req, res));
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** An update as Telegram would send it: a text message in a private chat. */
  message(chatId: number, text: string): Record<string, unknown> {
    const chat = { id: chatId, type: 'private', first_name: 'Test' };
    return { update_id: this.nextUpdateId++, message: { message_id: this.nextMessageId++, date: Math.floor(Date.now() / 1000), chat, from: { id: chatId, is_bot: false, first_name: 'Test' }, text } };
  }

  /** An update for a pressed inline button. */
  press(chatId: number, data: string): Record<string, unknown> {
    const chat = { id: chatId, type: 'private', first_name: 'Test' };
    return {
      update_id: this.nextUpdateId++,
      callback_query: {
        id: `cq${this.nextUpdateId}`,
        from: { id: chatId, is_bot: false, first_name: 'Test' },
        chat_instance: 'ci',
        data,
        message: { message_id: this.nextMessageId++, date: Math.floor(Date.now() / 1000), chat, text: '…' },
      },
    };
  }

  /** Queues an update for getUpdates (polling mode). */
  push(update: Record<string, unknown>): void {
    this.updates.push(update);
  }

  to(chatId: number): SentMessage[] {
    return this.sent.filter((m) => m.chatId === chatId);
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const body = raw ? (JSON.parse(raw) as Record<string, any>) : {};
    const method = (req.url ?? '').split('/').pop()!;
    this.calls.push(method);
    const ok = (result: unknown) => this.json(res, 200, { ok: true, result });
    switch (method) {
      case 'getMe':
        return ok({ id: 42, is_bot: true, first_name: 'KPAC', username: 'kpac_test_bot', can_join_groups: false, can_read_all_group_messages: false, supports_inline_queries: false });
      case 'deleteWebhook':
      case 'setWebhook':
      case 'answerCallbackQuery':
        return ok(true);
      case 'getUpdates': {
        const offset = Number(body.offset ?? 0);
        const deadline = Date.now() + 300;
        while (Date.now() < deadline && !this.updates.some((u) => (u.update_id as number) >= offset)) await new Promise((r) => setTimeout(r, 20));
        const ready = this.updates.filter((u) => (u.update_id as number) >= offset);
        this.updates.splice(0, this.updates.length, ...ready);
        return ok(ready);
      }
      case 'sendMessage': {
        const chatId = Number(body.chat_id);
        if (this.blocked.has(chatId)) return this.json(res, 403, { ok: false, error_code: 403, description: 'Forbidden: bot was blocked by the user' });
        if (this.failNext > 0) {
          this.failNext--;
          return this.json(res, 502, { ok: false, error_code: 502, description: 'Bad Gateway' });
        }
        const buttons = ((body.reply_markup?.inline_keyboard ?? []) as { text: string; callback_data: string }[][]).flat().map((b) => ({ text: b.text, data: b.callback_data }));
        this.sent.push({ chatId, text: String(body.text), buttons });
        return ok({ message_id: this.nextMessageId++, date: Math.floor(Date.now() / 1000), chat: { id: chatId, type: 'private' }, text: body.text });
      }
    }
    return this.json(res, 404, { ok: false, error_code: 404, description: 'Not Found: method not found' });
  }

  private json(res: ServerResponse, status: number, body: unknown): void {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  }
}
