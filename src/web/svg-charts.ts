/**
 * Server-side SVG charts: no script, no network, no inline styles (the CSP forbids them), readable
 * by screen readers through role="img" and a text description.
 */

export interface Bar {
  label: string;
  /** Length of the bar, 0..max. */
  value: number | null;
  /** Text printed after the bar (e.g. "85% (17 of 20)"). */
  display: string;
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

const PALETTE = ['#0b4f9c', '#1e6b34', '#8a5a00', '#a4161a', '#5b3f8c', '#00676b', '#6b6b6b', '#3d3d3d', '#b04a00'];

/** Horizontal bars, one per row; works from 320 px wide because the SVG scales with its viewBox. */
export function horizontalBars(title: string, bars: Bar[], max: number, opts: { colorful?: boolean } = {}): string {
  const rowH = 30;
  const labelW = 280;
  const barW = 260;
  const textW = 150;
  const width = labelW + barW + textW;
  const height = Math.max(1, bars.length) * rowH + 10;
  const rows = bars
    .map((b, i) => {
      const y = i * rowH + 5;
      const w = !b.value || max <= 0 ? 0 : Math.max(1, Math.round((Math.min(b.value, max) / max) * barW));
      const color = opts.colorful ? PALETTE[i % PALETTE.length] : PALETTE[0];
      const label = b.label.length > 34 ? `${b.label.slice(0, 33)}…` : b.label;
      return (
        `<text x="${labelW - 8}" y="${y + 18}" text-anchor="end" font-size="13" fill="#1a1a1a">${esc(label)}</text>` +
        `<rect x="${labelW}" y="${y + 4}" width="${barW}" height="${rowH - 10}" fill="#eef2f7"/>` +
        (w ? `<rect x="${labelW}" y="${y + 4}" width="${w}" height="${rowH - 10}" fill="${color}"/>` : '') +
        `<text x="${labelW + barW + 8}" y="${y + 18}" font-size="13" fill="#1a1a1a">${esc(b.display)}</text>`
      );
    })
    .join('');
  const desc = bars.map((b) => `${b.label}: ${b.display}`).join('; ');
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${esc(title)}">` +
    `<title>${esc(title)}</title><desc>${esc(desc)}</desc>${rows}</svg>`
  );
}

/** Vertical bars over time (e.g. quarters), with the value printed above each bar. */
export function columns(title: string, bars: Bar[], max: number): string {
  const colW = 110;
  const chartH = 160;
  const width = Math.max(1, bars.length) * colW + 20;
  const height = chartH + 50;
  const cols = bars
    .map((b, i) => {
      const x = 10 + i * colW;
      const h = !b.value || max <= 0 ? 0 : Math.max(1, Math.round((Math.min(b.value, max) / max) * chartH));
      return (
        `<rect x="${x + 25}" y="${20}" width="${colW - 50}" height="${chartH}" fill="#eef2f7"/>` +
        (h ? `<rect x="${x + 25}" y="${20 + chartH - h}" width="${colW - 50}" height="${h}" fill="#0b4f9c"/>` : '') +
        `<text x="${x + colW / 2}" y="${14}" text-anchor="middle" font-size="12" fill="#1a1a1a">${esc(b.display)}</text>` +
        `<text x="${x + colW / 2}" y="${chartH + 40}" text-anchor="middle" font-size="12" fill="#1a1a1a">${esc(b.label)}</text>`
      );
    })
    .join('');
  const desc = bars.map((b) => `${b.label}: ${b.display}`).join('; ');
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${esc(title)}">` +
    `<title>${esc(title)}</title><desc>${esc(desc)}</desc>${cols}</svg>`
  );
}
