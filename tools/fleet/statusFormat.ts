// How `fleet status` prints its rows: a table for the operator, JSON (version 1) for scripts.
import type { StatusRow } from "./statusRow";

export const STATUS_JSON_VERSION = 1;

export interface StatusReport {
  readonly version: number;
  readonly generatedAt: string;
  readonly warnDays: number;
  /** True when a cluster is inside warnDays or could not be read: the exit code is then 1. */
  readonly alert: boolean;
  readonly clusters: readonly StatusRow[];
}

export function statusReport(
  rows: readonly StatusRow[],
  now: Date,
  warnDays: number,
): StatusReport {
  return {
    version: STATUS_JSON_VERSION,
    generatedAt: now.toISOString(),
    warnDays,
    alert: rows.some((r) => r.warn || r.error !== null),
    clusters: rows,
  };
}

const HEADER = [
  "STACK",
  "CLUSTER",
  "NODES",
  "ROTATION",
  "ROTATED",
  "LAST UPDATE",
  "EARLIEST NOTAFTER",
  "DAYS",
  "PENDING",
];

const day = (iso: string | null | undefined): string => (iso ? iso.slice(0, 10) : "-");

function pendingCell(r: StatusRow): string {
  if (r.pendingChanges === null) return r.error === null ? "-" : "error";
  if (!r.pendingChanges) return "none";
  return Object.entries(r.pendingOperations)
    .map(([op, n]) => `${n} ${op}`)
    .join(", ");
}

function cells(r: StatusRow): string[] {
  const e = r.earliestNotAfter;
  return [
    r.stack,
    r.cluster ?? "?",
    r.masters === null ? "?" : `${r.masters}+${r.agents}`,
    r.lastRotation?.id ?? "-",
    day(r.lastRotation?.at),
    r.lastUpdate === null ? "never" : `${r.lastUpdate.result} ${day(r.lastUpdate.at)}`,
    e === null ? "-" : `${day(e.notAfter)} ${e.certificate}`,
    e === null ? "-" : `${e.daysLeft}${r.warn ? " !" : ""}`,
    pendingCell(r),
  ];
}

/** Aligned columns, then one line per error (the table keeps one row per stack). */
export function statusTable(rows: readonly StatusRow[]): string {
  const table = [HEADER, ...rows.map(cells)];
  const widths = HEADER.map((_, i) => Math.max(...table.map((row) => row[i].length)));
  const lines = table.map((row) =>
    row
      .map((c, i) => c.padEnd(widths[i]))
      .join("  ")
      .trimEnd(),
  );
  const errors = rows.filter((r) => r.error !== null).map((r) => `${r.stack}: ${r.error}`);
  return [...lines, ...errors].join("\n");
}
