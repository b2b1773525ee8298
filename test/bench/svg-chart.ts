/**
 * A dependency-free SVG line chart for the benchmark: stacked panels sharing the time axis, each with one or more
 * series, its own y scale, grid lines and a legend. Written next to the JSON under bench-results/.
 */

export interface Series {
  name: string;
  points: readonly { t: number; y: number }[];
  color?: string;
}

export interface Panel {
  title: string;
  unit: string;
  series: Series[];
  /** Horizontal goal line. */
  goal?: { y: number; label: string };
}

const PALETTE = ['#0f62fe', '#da1e28', '#198038', '#8a3ffc', '#ff832b', '#007d79', '#a2191f', '#6f6f6f'];
const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const num = (v: number): string => (Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 10 ? v.toFixed(1) : v.toFixed(2));

export function lineChart(title: string, panels: Panel[], opts: { width?: number; panelHeight?: number; xLabel?: string } = {}): string {
  const width = opts.width ?? 960;
  const ph = opts.panelHeight ?? 180;
  const left = 70;
  const right = 20;
  const top = 40;
  const gap = 50;
  const height = top + panels.length * (ph + gap) + 10;
  const all = panels.flatMap((p) => p.series.flatMap((s) => s.points));
  const tMax = Math.max(1, ...all.map((p) => p.t));
  const tMin = Math.min(0, ...all.map((p) => p.t));
  const x = (t: number): number => left + ((t - tMin) / (tMax - tMin)) * (width - left - right);
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11">`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    `<text x="${left}" y="22" font-size="15" font-weight="bold">${esc(title)}</text>`,
  ];
  panels.forEach((panel, i) => {
    const y0 = top + i * (ph + gap) + 20;
    const ys = panel.series.flatMap((s) => s.points.map((p) => p.y)).concat(panel.goal ? [panel.goal.y] : []);
    let yMax = Math.max(...ys, 0);
    const yMin = Math.min(0, ...ys);
    if (yMax === yMin) yMax = yMin + 1;
    yMax *= 1.05;
    const y = (v: number): number => y0 + ph - ((v - yMin) / (yMax - yMin)) * ph;
    out.push(`<text x="${left}" y="${y0 - 6}" font-weight="bold">${esc(panel.title)} (${esc(panel.unit)})</text>`);
    for (let k = 0; k <= 4; k++) {
      const v = yMin + ((yMax - yMin) * k) / 4;
      out.push(`<line x1="${left}" x2="${width - right}" y1="${y(v).toFixed(1)}" y2="${y(v).toFixed(1)}" stroke="#e0e0e0"/>`);
      out.push(`<text x="${left - 6}" y="${(y(v) + 4).toFixed(1)}" text-anchor="end" fill="#525252">${num(v)}</text>`);
    }
    for (let k = 0; k <= 6; k++) {
      const t = tMin + ((tMax - tMin) * k) / 6;
      out.push(`<text x="${x(t).toFixed(1)}" y="${y0 + ph + 14}" text-anchor="middle" fill="#525252">${num(t)}</text>`);
    }
    out.push(`<rect x="${left}" y="${y0}" width="${width - left - right}" height="${ph}" fill="none" stroke="#8d8d8d"/>`);
    if (panel.goal) {
      const gy = y(panel.goal.y).toFixed(1);
      out.push(`<line x1="${left}" x2="${width - right}" y1="${gy}" y2="${gy}" stroke="#da1e28" stroke-dasharray="5,4"/>`);
      out.push(`<text x="${width - right - 4}" y="${Number(gy) - 4}" text-anchor="end" fill="#da1e28">${esc(panel.goal.label)}</text>`);
    }
    panel.series.forEach((s, j) => {
      const color = s.color ?? PALETTE[j % PALETTE.length]!;
      if (s.points.length) {
        const d = s.points.map((p, k) => `${k ? 'L' : 'M'}${x(p.t).toFixed(1)},${y(p.y).toFixed(1)}`).join('');
        out.push(`<path d="${d}" fill="none" stroke="${color}" stroke-width="1.6"/>`);
      }
      const lx = left + 10 + j * 170;
      out.push(`<rect x="${lx}" y="${y0 + 6}" width="10" height="10" fill="${color}"/><text x="${lx + 14}" y="${y0 + 15}">${esc(s.name)}</text>`);
    });
  });
  out.push(`<text x="${width / 2}" y="${height - 4}" text-anchor="middle" fill="#525252">${esc(opts.xLabel ?? 'seconds')}</text>`, '</svg>');
  return `${out.join('\n')}\n`;
}
