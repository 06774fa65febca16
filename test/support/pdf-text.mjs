// Reads a PDF from stdin and prints, as JSON, its text layer and what the QR codes on its first
// page decode to. A separate Node process because pdf-parse (pdfjs-dist) loads its worker with a
// dynamic import, which Jest's CommonJS sandbox refuses.
import { createCanvas, loadImage } from '@napi-rs/canvas';
import jsQR from 'jsqr';
import { PDFParse } from 'pdf-parse';

const chunks = [];
for await (const c of process.stdin) chunks.push(c);
const parser = new PDFParse({ data: new Uint8Array(Buffer.concat(chunks)) });
const result = await parser.getText();
const qrs = [];
if (process.argv.includes('--qr')) {
  // The page as a printer would see it; each quarter's QR code sits in its top-left corner.
  const shot = await parser.getScreenshot({ scale: 3, partial: [1] });
  const image = await loadImage(Buffer.from(shot.pages[0].data));
  const canvas = createCanvas(image.width, image.height);
  const ctx = canvas.getContext('2d');
  ctx.drawImage(image, 0, 0);
  const qw = Math.round(image.width / 2);
  const qh = Math.round(image.height / 2);
  for (const [x, y] of [[0, 0], [qw, 0], [0, qh], [qw, qh]]) {
    const w = Math.round(qw / 2.6);
    const h = Math.round(qh / 3.5);
    const { data } = ctx.getImageData(x, y, w, h);
    qrs.push(jsQR(new Uint8ClampedArray(data), w, h)?.data ?? null);
  }
}
await parser.destroy();
process.stdout.write(JSON.stringify({ text: result.text, pages: result.total, qrs }));
