// An SVG line chart of p99 latency against follow count (both axes logarithmic), one line per form
// and page, with the 20 ms target drawn in. Plain SVG text: no dependencies, diffable in git.

/** One line: a label, a colour, a dash pattern and (follows, p99 ms) points; undefined = not measured. */
export interface Series {
  label: string;
  color: string;
  dashed?: boolean;
  points: [follows: number, p99: number | undefined][];
}

const W = 760;
const H = 440;
const M = { left: 70, right: 250, top: 40, bottom: 55 };

const escapeXml = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/** Renders the chart; `title` on top, `note` under the x axis. */
export function p99Chart(title: string, note: string, series: readonly Series[], targetMs = 20): string {
  const values = series.flatMap((s) => s.points.map((p) => p[1]).filter((v): v is number => v !== undefined));
  const yMin = 10 ** Math.floor(Math.log10(Math.max(0.1, Math.min(...values, targetMs))));
  const yMax = 10 ** Math.ceil(Math.log10(Math.max(...values, targetMs)));
  const xs = [...new Set(series.flatMap((s) => s.points.map((p) => p[0])))].sort((a, b) => a - b);
  const [xMin, xMax] = [Math.log10(xs[0]!), Math.log10(xs[xs.length - 1]!)];
  const px = (f: number) => M.left + ((Math.log10(f) - xMin) / (xMax - xMin || 1)) * (W - M.left - M.right);
  const py = (ms: number) =>
    H -
    M.bottom -
    ((Math.log10(ms) - Math.log10(yMin)) / (Math.log10(yMax) - Math.log10(yMin))) * (H - M.top - M.bottom);
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`,
    `<title>${escapeXml(title)}</title>`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${M.left}" y="22" font-size="14" font-weight="bold">${escapeXml(title)}</text>`,
  ];
  for (let d = yMin; d <= yMax; d *= 10) {
    out.push(
      `<line x1="${M.left}" x2="${W - M.right}" y1="${py(d)}" y2="${py(d)}" stroke="#ddd"/>`,
      `<text x="${M.left - 8}" y="${py(d) + 4}" text-anchor="end">${d >= 1 ? d : d.toFixed(1)} ms</text>`,
    );
  }
  for (const f of xs)
    out.push(
      `<line x1="${px(f)}" x2="${px(f)}" y1="${M.top}" y2="${H - M.bottom}" stroke="#eee"/>`,
      `<text x="${px(f)}" y="${H - M.bottom + 18}" text-anchor="middle">${f.toLocaleString("en-US")}</text>`,
    );
  out.push(
    `<text x="${(M.left + W - M.right) / 2}" y="${H - 18}" text-anchor="middle">accounts followed (log)</text>`,
    `<text x="${M.left}" y="${H - 4}" font-size="10" fill="#555">${escapeXml(note)}</text>`,
    `<line x1="${M.left}" x2="${W - M.right}" y1="${py(targetMs)}" y2="${py(targetMs)}" stroke="#c00" stroke-dasharray="2 3"/>`,
    `<text x="${W - M.right - 4}" y="${py(targetMs) - 4}" text-anchor="end" fill="#c00">target p99 ${targetMs} ms</text>`,
  );
  series.forEach((s, k) => {
    const pts = s.points.filter((p): p is [number, number] => p[1] !== undefined);
    const dash = s.dashed ? ` stroke-dasharray="6 4"` : "";
    out.push(
      `<polyline fill="none" stroke="${s.color}" stroke-width="2"${dash} points="${pts.map(([f, v]) => `${px(f).toFixed(1)},${py(v).toFixed(1)}`).join(" ")}"/>`,
      ...pts.map(
        ([f, v]) => `<circle cx="${px(f).toFixed(1)}" cy="${py(v).toFixed(1)}" r="3" fill="${s.color}"/>`,
      ),
      `<line x1="${W - M.right + 16}" x2="${W - M.right + 44}" y1="${M.top + 8 + k * 20}" y2="${M.top + 8 + k * 20}" stroke="${s.color}" stroke-width="2"${dash}/>`,
      `<text x="${W - M.right + 50}" y="${M.top + 12 + k * 20}">${escapeXml(s.label)}</text>`,
    );
  });
  out.push("</svg>");
  return `${out.join("\n")}\n`;
}
