// Reads a PDF from stdin and prints its text layer as JSON. A separate Node process because
// pdf-parse (pdfjs-dist) loads its worker with a dynamic import, which Jest's CommonJS sandbox refuses.
import { PDFParse } from 'pdf-parse';

const chunks = [];
for await (const c of process.stdin) chunks.push(c);
const parser = new PDFParse({ data: new Uint8Array(Buffer.concat(chunks)) });
const result = await parser.getText();
await parser.destroy();
process.stdout.write(JSON.stringify({ text: result.text, pages: result.total }));
