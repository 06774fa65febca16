import { execFile } from 'node:child_process';
import { join } from 'node:path';

export interface ReadSlip {
  reference: string;
  code: string;
  /** What the slip's QR code and its link open. */
  url: string;
}

/**
 * The text layer of a slips PDF, as a PDF reader extracts it (fonts embedded, so not from the raw
 * bytes); with `qr`, what the four QR codes of the first page decode to (page rendered, jsQR).
 */
export function pdfText(pdf: Buffer, opts: { qr?: boolean } = {}): Promise<{ text: string; pages: number; qrs: (string | null)[] }> {
  return new Promise((resolve, reject) => {
    const args = [join(__dirname, 'pdf-text.mjs'), ...(opts.qr ? ['--qr'] : [])];
    const child = execFile(process.execPath, args, { maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) return reject(new Error(`pdf-parse failed: ${stderr || err.message}`));
      resolve(JSON.parse(stdout));
    });
    child.stdin!.end(pdf);
  });
}

/**
 * The slips of a PDF: each slip's link annotation (laid over its QR code, the same URL) names its
 * reference and code; annotation dictionaries are not compressed, so they are read from the bytes.
 */
export function slipLinks(pdf: Buffer): ReadSlip[] {
  const raw = pdf.toString('latin1');
  return [...raw.matchAll(/\/URI \(([^)]+)\)/g)].map((m) => {
    const url = m[1].replace(/\\(.)/g, '$1');
    const q = new URL(url).searchParams;
    return { reference: q.get('reference')!, code: q.get('code')!, url };
  });
}
