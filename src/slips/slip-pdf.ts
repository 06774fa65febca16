import PDFDocument from 'pdfkit';
import { create as createQr } from 'qrcode';
import en from './words/en.json';
import ru from './words/ru.json';
import tg from './words/tg.json';
import type { SlipLanguage } from './slips.dto';

export type SlipWords = typeof en;
export const SLIP_WORDS: Record<SlipLanguage, SlipWords> = { tg, ru, en };

/** One printed slip: what only the paper holds (the code in clear) and what goes on it. */
export interface PrintedSlip {
  reference: string;
  /** Grouped for reading, e.g. `7KQ4-M2XR-9TDF-H3WP`. */
  code: string;
  trackUrl: string;
}

export interface SlipBatchPrint {
  slips: PrintedSlip[];
  language: SlipLanguage;
  /** `<PUBLIC_URL>/track`, printed for people without a QR reader. */
  trackPage: string;
  facilityName: string | null;
  /** The last day the slip may be handed in, `YYYY-MM-DD`. */
  validUntil: string;
}

/**
 * DejaVu has every Tajik letter (ҳ ӯ ӣ қ ғ ҷ); pdfkit's built-in Helvetica has no Cyrillic at all.
 * It ships with the `dejavu-fonts-ttf` package, so a server needs no system fonts.
 */
const FONT_DIR = `${require.resolve('dejavu-fonts-ttf/package.json').replace(/package\.json$/, '')}ttf/`;
const FONTS = { text: `${FONT_DIR}DejaVuSans.ttf`, bold: `${FONT_DIR}DejaVuSans-Bold.ttf`, mono: `${FONT_DIR}DejaVuSansMono-Bold.ttf` };

/** The chosen language first, then Tajik and Russian, each once. */
export function slipLanguages(first: SlipLanguage): SlipLanguage[] {
  return [...new Set<SlipLanguage>([first, 'tg', 'ru'])];
}

// A4 in points, cut into four quarters: two columns, two rows.
const PAGE_W = 595.28;
const PAGE_H = 841.89;
const SLIP_W = PAGE_W / 2;
const SLIP_H = PAGE_H / 2;
const PAD = 14;
const QR = 74;
/** Height of the tear-off part the person keeps. */
const STUB_H = 118;

/** The print-ready PDF of a batch, built in memory and handed back; nothing is written to disk. */
export async function renderSlipsPdf(batch: SlipBatchPrint): Promise<Buffer> {
  const doc = new PDFDocument({ size: 'A4', margin: 0, autoFirstPage: false, info: { Title: 'Complaint slips', Producer: 'KPAC tracker' } });
  doc.registerFont('text', FONTS.text);
  doc.registerFont('bold', FONTS.bold);
  doc.registerFont('mono', FONTS.mono);
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const ended = new Promise<void>((resolve, reject) => {
    doc.on('end', () => resolve());
    doc.on('error', reject);
  });
  for (const [i, slip] of batch.slips.entries()) {
    if (i % 4 === 0) {
      // A page at a time, letting other requests in between: a batch of 500 takes a few seconds.
      if (i > 0) await new Promise((resolve) => setImmediate(resolve));
      doc.addPage();
      cutLines(doc);
    }
    const x = (i % 2) * SLIP_W;
    const y = (Math.floor(i / 2) % 2) * SLIP_H;
    drawSlip(doc, batch, slip, x, y);
  }
  doc.end();
  await ended;
  return Buffer.concat(chunks);
}

/** Dashed lines through the middle of the page, where the sheet is cut into four. */
function cutLines(doc: PDFKit.PDFDocument): void {
  doc.save().lineWidth(0.5).strokeColor('#777').dash(4, { space: 3 });
  doc.moveTo(SLIP_W, 0).lineTo(SLIP_W, PAGE_H).stroke();
  doc.moveTo(0, SLIP_H).lineTo(PAGE_W, SLIP_H).stroke();
  doc.undash().restore();
}

function drawSlip(doc: PDFKit.PDFDocument, batch: SlipBatchPrint, slip: PrintedSlip, x: number, y: number): void {
  const langs = slipLanguages(batch.language);
  const w = (k: keyof SlipWords) => langs.map((l) => SLIP_WORDS[l][k]);
  const first = SLIP_WORDS[batch.language];
  const left = x + PAD;
  const width = SLIP_W - 2 * PAD;

  // The tear-off part: the reference and the code, which exist nowhere else.
  drawQr(doc, slip.trackUrl, left, y + PAD, QR);
  doc.link(left, y + PAD, QR, QR, slip.trackUrl);
  const tx = left + QR + 10;
  const tw = width - QR - 10;
  doc.fillColor('#000').font('text').fontSize(7).text(`${w('reference').join(' / ')}:`, tx, y + PAD, { width: tw });
  doc.font('mono').fontSize(12).text(slip.reference, tx, doc.y, { width: tw });
  doc.font('text').fontSize(7).text(`${w('code').join(' / ')}:`, tx, doc.y + 2, { width: tw });
  doc.font('mono').fontSize(11).text(slip.code, tx, doc.y, { width: tw });
  doc.font('text').fontSize(6).text(`${w('validUntil').join(' / ')}: ${batch.validUntil}`, tx, doc.y + 3, { width: tw });
  // What to do with this part, in every language of the slip.
  let sy = Math.max(doc.y, y + PAD + QR) + 4;
  for (const l of langs) {
    doc.font('bold').fontSize(6.3).text(SLIP_WORDS[l].keep, left, sy, { width });
    doc.font('text').fontSize(6).text(SLIP_WORDS[l].track.replace('{url}', batch.trackPage), left, doc.y, { width });
    sy = doc.y + 2;
  }

  // The tear-off line, inside the slip.
  const tearY = Math.max(y + STUB_H, sy + 2);
  doc.save().lineWidth(0.5).strokeColor('#999').dash(2, { space: 2 });
  doc.moveTo(x + 6, tearY).lineTo(x + SLIP_W - 6, tearY).stroke();
  doc.undash().restore();
  doc.font('text').fontSize(5.5).fillColor('#555').text(`✂ ${w('cutHere').join(' / ')}`, left, tearY + 2, { width, align: 'right' });

  // The part dropped in the box: the reference again (so it can be entered), then the form.
  let cy = tearY + 10;
  doc.fillColor('#000').font('bold').fontSize(9).text(`${first.title}  ${slip.reference}`, left, cy, { width });
  cy = doc.y + 1;
  if (batch.facilityName) {
    doc.font('text').fontSize(7).text(`${w('facility').join(' / ')}: ${batch.facilityName}`, left, cy, { width });
    cy = doc.y + 1;
  }
  cy = writingField(doc, w('whatHappened').join(' / '), left, cy + 3, width, 4);
  cy = writingField(doc, w('whatYouWant').join(' / '), left, cy + 3, width, 2);
  cy = writingField(doc, w('mayContact').join(' / '), left, cy + 3, width, 1);

  // Plain instructions: the chosen language first, then Tajik and Russian.
  doc.font('text').fontSize(5.6).fillColor('#222');
  cy += 4;
  for (const l of langs) {
    doc.text(SLIP_WORDS[l].instructions, left, cy, { width });
    cy = doc.y + 2;
  }
  doc.fillColor('#000');
}

/** The QR code as vector squares (crisp at any printer resolution, no image to encode), dark runs merged per row. */
function drawQr(doc: PDFKit.PDFDocument, text: string, left: number, top: number, size: number): void {
  const { modules } = createQr(text, { errorCorrectionLevel: 'M' });
  const n = modules.size;
  const cell = size / n;
  for (let r = 0; r < n; r++) {
    let c = 0;
    while (c < n) {
      if (!modules.get(r, c)) {
        c++;
        continue;
      }
      const start = c;
      while (c < n && modules.get(r, c)) c++;
      doc.rect(left + start * cell, top + r * cell, (c - start) * cell, cell);
    }
  }
  doc.fillColor('#000').fill();
}

/** A label followed by ruled lines to write on; returns where the next thing starts. */
function writingField(doc: PDFKit.PDFDocument, label: string, left: number, top: number, width: number, lines: number): number {
  doc.font('text').fontSize(6.5).fillColor('#000').text(label, left, top, { width });
  let ly = doc.y;
  doc.save().lineWidth(0.4).strokeColor('#aaa');
  for (let i = 0; i < lines; i++) {
    ly += 13;
    doc.moveTo(left, ly).lineTo(left + width, ly).stroke();
  }
  doc.restore();
  return ly + 2;
}
