// The timeline as a Gantt chart: one row per node (masters first), a bar per step coloured by its
// phase, the critical path outlined, a legend and an axis in seconds. Hand-written SVG. Pure.
import type { Timeline, TimelineStep } from "./timeline";

export interface ChartOptions {
  readonly width?: number;
  readonly title?: string;
}

const LABEL = 230; // node names: k8s-agentpool1-12345678-19
const RIGHT = 24;
const LANE = 14;
const BAR = 10;
const ROW_PAD = 6;
const FONT = 'font-family="DejaVu Sans Mono, Menlo, Consolas, monospace" font-size="12"';

/** The rotation's phases keep their colours from run to run; others take the spare ones. */
const PHASE_COLOURS: Record<string, string> = {
  pki: "#bab0ac",
  deliver: "#d4a6c8",
  preflight: "#9d7660",
  stage: "#4e79a7",
  etcd: "#e15759",
  frontproxy: "#ff9da7",
  controlplane: "#f28e2b",
  kubelet: "#59a14f",
  kubeproxy: "#8cd17d",
  kubeconfig: "#b6992d",
  reboot: "#76b7b2",
  serviceaccounts: "#b07aa1",
  verify: "#edc948",
  cleanup: "#86bcb6",
  persist: "#499894",
  local: "#79706e",
  record: "#d37295",
  finalize: "#a0cbe8",
  rollback: "#ffbe7d",
};
/** The phases with a colour of their own. */
export const FIXED_PHASES: readonly string[] = Object.keys(PHASE_COLOURS);
const SPARE = ["#f1ce63", "#fabfd2", "#9edae5", "#d7b5a6", "#bcbd22"];

export function phaseColours(phases: readonly string[]): Map<string, string> {
  let spare = 0;
  return new Map(
    phases.map((p) => [p, PHASE_COLOURS[p] ?? SPARE[spare++ % SPARE.length]] as const),
  );
}

export const escapeXml = (s: string): string =>
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

/** A tick every 1, 2, 5, 10, … seconds: at most about `max` ticks over the span. */
export function tickStep(seconds: number, max = 12): number {
  const steps = [1, 2, 5, 10, 15, 20, 30, 60, 120, 300, 600, 900, 1800, 3600];
  return steps.find((s) => seconds / s <= max) ?? Math.ceil(seconds / max / 3600) * 3600;
}

/**
 * Lane of each step within its row: a step takes a new lane only when it overlaps another (one
 * that starts in the second another ended does not: the engine stamps whole seconds).
 */
export function lanes(steps: readonly TimelineStep[]): {
  lane: Map<TimelineStep, number>;
  count: number;
} {
  const ends: number[] = [];
  const lane = new Map<TimelineStep, number>();
  for (const s of [...steps].sort((a, b) => a.start - b.start || a.end - b.end)) {
    let i = ends.findIndex((e) => e <= s.start);
    if (i < 0) i = ends.push(s.end) - 1;
    ends[i] = s.end;
    lane.set(s, i);
  }
  return { lane, count: Math.max(1, ends.length) };
}

interface Frame {
  readonly width: number;
  readonly seconds: number;
  readonly x: (t: number) => number;
}

function frameOf(t: Timeline, width: number): Frame {
  const seconds = Math.max(1, t.seconds);
  const scale = (width - LABEL - RIGHT) / seconds;
  return { width, seconds, x: (s) => LABEL + s * scale };
}

function legend(
  phases: readonly string[],
  colours: Map<string, string>,
  top: number,
  width: number,
) {
  const items = [
    ...phases.map((p) => ({ label: p, swatch: `fill="${colours.get(p)}"` })),
    {
      label: "critical path",
      swatch: `fill="#fff" stroke="#000" stroke-width="1.5"`,
    },
  ];
  const parts: string[] = [];
  let [x, y] = [LABEL, top];
  for (const item of items) {
    const w = 22 + item.label.length * 7.3 + 14;
    if (x + w > width - RIGHT) [x, y] = [LABEL, y + 18];
    parts.push(
      `<rect x="${x}" y="${y}" width="14" height="12" rx="2" ${item.swatch}/>`,
      `<text x="${x + 20}" y="${y + 10}" ${FONT}>${escapeXml(item.label)}</text>`,
    );
    x += w;
  }
  return { svg: parts.join("\n"), bottom: y + 12 };
}

function axis(f: Frame, top: number, bottom: number): string {
  const step = tickStep(f.seconds);
  const parts: string[] = [];
  for (let s = 0; s <= f.seconds; s += step) {
    const x = f.x(s).toFixed(1);
    parts.push(
      `<line x1="${x}" y1="${top}" x2="${x}" y2="${bottom}" stroke="#ddd"/>`,
      `<text x="${x}" y="${top - 4}" text-anchor="middle" ${FONT}>${s} s</text>`,
    );
  }
  return parts.join("\n");
}

function bar(s: TimelineStep, f: Frame, y: number, colour: string): string {
  const x = f.x(s.start);
  const w = Math.max(2, f.x(s.end) - x);
  const stroke =
    s.status !== "done"
      ? ` stroke="#c00" stroke-width="2" stroke-dasharray="3 2"`
      : s.critical
        ? ` stroke="#000" stroke-width="1.5"`
        : ` stroke="#fff" stroke-width="0.75"`;
  const opacity = s.op === "same" ? ` fill-opacity="0.35"` : "";
  const tip =
    `${s.name} (${s.op}${s.status === "done" ? "" : `, ${s.status}`}): ` +
    `${s.end - s.start} s, ${s.start}–${s.end} s${s.critical ? ", critical path" : ""}`;
  return (
    `<rect x="${x.toFixed(1)}" y="${y}" width="${w.toFixed(1)}" height="${BAR}" rx="1" ` +
    `fill="${colour}"${opacity}${stroke}><title>${escapeXml(tip)}</title></rect>`
  );
}

interface RowSvg {
  readonly band: string;
  readonly bars: string;
  readonly height: number;
}

function row(
  name: string,
  steps: readonly TimelineStep[],
  f: Frame,
  top: number,
  index: number,
  colours: Map<string, string>,
): RowSvg {
  const { lane, count } = lanes(steps);
  const height = count * LANE + ROW_PAD;
  const fill = index % 2 === 0 ? "#f4f4f4" : "#fff";
  const band = [
    `<rect x="0" y="${top}" width="${f.width}" height="${height}" fill="${fill}"/>`,
    `<text x="8" y="${top + height / 2 + 4}" ${FONT}>${escapeXml(name)}</text>`,
  ].join("\n");
  const barY = (s: TimelineStep) => top + ROW_PAD / 2 + (lane.get(s) ?? 0) * LANE + 2;
  const bars = steps.map((s) => bar(s, f, barY(s), colours.get(s.phase) ?? "#999")).join("\n");
  return { band, bars, height };
}

export function renderSvg(t: Timeline, options: ChartOptions = {}): string {
  const width = options.width ?? 1200;
  const f = frameOf(t, width);
  const colours = phaseColours(t.phases);
  const title = options.title ?? "rotation timeline";
  const heading =
    `${title}: ${t.seconds} s, critical path ${t.criticalPath.seconds} s ` +
    `(${t.criticalPath.steps.length} steps, outlined)`;
  const key = legend(t.phases, colours, 36, width);
  const chartTop = key.bottom + 30;
  const rows: RowSvg[] = [];
  let y = chartTop;
  t.rows.forEach((name, i) => {
    const r = row(
      name,
      t.steps.filter((s) => s.row === name),
      f,
      y,
      i,
      colours,
    );
    rows.push(r);
    y += r.height;
  });
  const height = y + 16;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">`,
    `<rect width="${width}" height="${height}" fill="#fff"/>`,
    `<text x="8" y="20" ${FONT} font-weight="bold">${escapeXml(heading)}</text>`,
    key.svg,
    ...rows.map((r) => r.band),
    axis(f, chartTop, y),
    ...rows.map((r) => r.bars),
    "</svg>",
    "",
  ].join("\n");
}
