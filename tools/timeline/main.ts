// `npx tsx tools/timeline/main.ts --events <events.jsonl> --state <export.json|-> --out <base>
//   [--wall <seconds>] [--title <text>]`
// Reads the engine's events of one `pulumi up --json` (filtered by keep.jq) and the stack's
// state (`pulumi stack export`, `-` for stdin), writes <base>.json (the timeline) and <base>.svg
// (its Gantt chart), and prints the critical path and, with --wall, wall time / critical path.
import * as fs from "node:fs";
import { parseEvents } from "./events";
import { stateResources } from "./graph";
import { renderSvg } from "./svg";
import { buildTimeline, pathByPhase, type Timeline } from "./timeline";

export interface Args {
  readonly events: string;
  readonly state: string;
  readonly out: string;
  readonly wall?: number;
  readonly title?: string;
}

const USAGE =
  "usage: main.ts --events <events.jsonl> --state <export.json|-> --out <base> [--wall <s>] [--title <text>]";

export function parseArgs(argv: readonly string[]): Args {
  const v: Record<string, string> = {};
  for (let i = 0; i < argv.length; i += 2) {
    const [flag, value] = [argv[i], argv[i + 1]];
    if (!/^--(events|state|out|wall|title)$/.test(flag) || value === undefined) {
      throw new Error(`timeline: bad argument '${flag}'\n${USAGE}`);
    }
    v[flag.slice(2)] = value;
  }
  if (!v.events || !v.state || !v.out) throw new Error(`timeline: missing argument\n${USAGE}`);
  const wall = v.wall === undefined ? undefined : Number(v.wall);
  if (wall !== undefined && !(wall > 0)) throw new Error(`timeline: --wall must be seconds > 0`);
  return { events: v.events, state: v.state, out: v.out, wall, title: v.title };
}

/** The lines the bench and `npm run rotate` print. */
export function summary(t: Timeline, wall?: number): string[] {
  const phases = pathByPhase(t)
    .map((p) => `${p.phase} ${p.seconds}`)
    .join(" → ");
  const cp = t.criticalPath.seconds;
  const lines = [
    `timeline: ${t.steps.length} steps on ${t.rows.length} rows, ${t.seconds} s from first to last engine event`,
    `critical path: ${cp} s over ${t.criticalPath.steps.length} steps (s per phase: ${phases})`,
  ];
  const ratio = (w: number) => (cp > 0 ? (w / cp).toFixed(2) : "n/a");
  lines.push(`wall / critical path: ${ratio(t.seconds)} (engine events)`);
  if (wall !== undefined)
    lines.push(`wall / critical path: ${ratio(wall)} (wall ${wall} s, measured)`);
  return lines;
}

function main(argv: readonly string[]): void {
  const args = parseArgs(argv);
  const events = parseEvents(fs.readFileSync(args.events, "utf8"));
  const stateText = fs.readFileSync(args.state === "-" ? 0 : args.state, "utf8");
  const timeline = buildTimeline(events, stateResources(JSON.parse(stateText)));
  const cp = timeline.criticalPath.seconds;
  const ratio =
    args.wall !== undefined && cp > 0 ? Math.round((args.wall / cp) * 100) / 100 : undefined;
  const record = { wallSeconds: args.wall, wallToCriticalPath: ratio, ...timeline };
  fs.writeFileSync(`${args.out}.json`, JSON.stringify(record, null, 2) + "\n");
  fs.writeFileSync(`${args.out}.svg`, renderSvg(timeline, { title: args.title }));
  for (const line of summary(timeline, args.wall)) console.log(line);
  console.log(`written: ${args.out}.json, ${args.out}.svg`);
}

if (require.main === module) {
  try {
    main(process.argv.slice(2));
  } catch (e) {
    console.error(e instanceof Error ? e.message : String(e));
    process.exit(1);
  }
}
