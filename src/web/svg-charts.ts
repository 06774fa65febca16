/**
 * Server-side SVG charts: no script, no network, no inline styles (the CSP forbids them), readable
 * by screen readers through role="img" and a text description.
 *
 * Drawn for the width a phone shows them at: 328 units wide, so that at 360 px (328 px of content)
 * one unit is one pixel and the 14-unit text is 14 px; wider screens show them at that size too
 * (the CSS only lets them shrink). Each bar has its label above it, a short figure at its end and
 * the figure in words below it ("3 of 5 complaints resolved positively").
 */

export interface Bar {
  label: string;
  /** Length of the bar, 0..max; null: nothing to draw (a held-back figure). */
  value: number | null;
  /** Short figure at the end of the bar (e.g. "60%"). */
  display: string;
  /** The figure in words, under the bar (e.g. "resolved positively: 3 of 5 complaints"). */
  words?: string;
}

export const CHART_WIDTH = 328;
const FONT = 14;
/** Characters of about 7.5 px that fit a line; longer texts end in "…" (the description has them whole). */
const LINE_CHARS = 42;

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const clipText = (s: string, n = LINE_CHARS) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

const PALETTE = ['#0b4f9c', '#1e6b34', '#8a5a00', '#a4161a', '#5b3f8c', '#00676b', '#6b6b6b', '#3d3d3d', '#b04a00'];

/** Up to two lines of at most LINE_CHARS, broken at spaces; what still does not fit ends in "…". */
function wrap(s: string): string[] {
  if (s.length <= LINE_CHARS) return [s];
  const cut = s.lastIndexOf(' ', LINE_CHARS);
  const at = cut > LINE_CHARS / 2 ? cut : LINE_CHARS;
  return [s.slice(0, at).trimEnd(), clipText(s.slice(at).trimStart())];
}

/** Horizontal bars, one per row: label, bar with its figure, the figure in words. */
export function horizontalBars(title: string, bars: Bar[], max: number, opts: { colorful?: boolean } = {}): string {
  const figureW = 52;
  const trackW = CHART_WIDTH - figureW;
  const barH = 14;
  const line = FONT + 5;
  let y = 0;
  const rows = bars
    .map((b, i) => {
      const text = (lines: string[], x: number, attrs: string) =>
        lines.map((l) => `<text x="${x}" y="${(y += line) - 5}" font-size="${FONT}" ${attrs}>${esc(l)}</text>`).join('');
      const label = text(wrap(b.label), 0, 'font-weight="600" fill="#1a1a1a"');
      const barY = y + 2;
      const w = !b.value || max <= 0 ? 0 : Math.max(2, Math.round((Math.min(b.value, max) / max) * trackW));
      const color = opts.colorful ? PALETTE[i % PALETTE.length] : PALETTE[0];
      const bar =
        `<rect x="0" y="${barY}" width="${trackW}" height="${barH}" fill="#eef2f7"/>` +
        (w ? `<rect x="0" y="${barY}" width="${w}" height="${barH}" fill="${color}"/>` : '') +
        `<text x="${CHART_WIDTH}" y="${barY + barH - 1}" text-anchor="end" font-size="${FONT}" fill="#1a1a1a">${esc(clipText(b.display, 7))}</text>`;
      y = barY + barH + 2;
      const words = b.words ? text(wrap(b.words), 0, 'fill="#3d3d3d"') : '';
      y += 12;
      return label + bar + words;
    })
    .join('');
  const height = Math.max(1, y);
  const desc = bars.map((b) => `${b.label}: ${b.words ? `${b.display}, ${b.words}` : b.display}`).join('; ');
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${CHART_WIDTH} ${height}" width="${CHART_WIDTH}" height="${height}" role="img" aria-label="${esc(title)}">` +
    `<title>${esc(title)}</title><desc>${esc(desc)}</desc>${rows}</svg>`
  );
}
