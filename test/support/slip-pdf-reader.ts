import { PDFParse } from 'pdf-parse';

export interface ReadSlip {
  reference: string;
  code: string;
  /** What the slip's QR code and its link open. */
  url: string;
}

/** The text layer of a slips PDF, as a PDF reader extracts it (fonts embedded, so not from the raw bytes). */
export async function pdfText(pdf: Buffer): Promise<{ text: string; pages: number }> {
  const parser = new PDFParse({ data: new Uint8Array(pdf) });
  try {
    const result = await parser.getText();
    return { text: result.text, pages: result.total };
  } finally {
    await parser.destroy();
  }
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
