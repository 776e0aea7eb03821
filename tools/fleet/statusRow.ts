// `fleet status`, the pure part: one row per stack from what the backend and the cluster folder
// say, the table an operator reads and the JSON a cron job reads (README "fleet status --json").

/** What status gathers about one stack (status.ts); every part may be missing. */
export interface StackFacts {
  readonly stack: string;
  readonly cluster?: {
    readonly dnsPrefix: string;
    readonly masters: number;
    readonly agents: number;
  };
  /** rotationId in the stack's config: the rotation the next `up` makes. */
  readonly configuredRotationId?: string;
  /** The stack outputs of the last successful update (index.ts), plain values. */
  readonly outputs: Readonly<Record<string, unknown>>;
  /** The stack's updates, newest first; rotationId is the one configured for that update. */
  readonly history: readonly HistoryEntry[];
  /** The certificates apimodel.json holds today, when no update left outputs. */
  readonly apimodelCertificates?: Readonly<Record<string, { readonly notAfter: string }>>;
  /** The preview's operations by kind, or why it failed; undefined when not previewed. */
  readonly preview?:
    { readonly ops: Readonly<Record<string, number>> } | { readonly error: string };
  readonly error?: string;
}

export interface HistoryEntry {
  readonly kind: string;
  readonly result: string;
  readonly endTime?: string;
  readonly rotationId?: string;
}

/** One row of `fleet status --json` (version 1; README documents every field). */
export interface StatusRow {
  readonly stack: string;
  readonly cluster: string | null;
  readonly masters: number | null;
  readonly agents: number | null;
  readonly rotationId: string | null;
  readonly lastRotation: { readonly id: string; readonly at: string | null } | null;
  readonly lastUpdate: {
    readonly kind: string;
    readonly result: string;
    readonly at: string | null;
  } | null;
  readonly earliestNotAfter: {
    readonly certificate: string;
    readonly notAfter: string;
    readonly daysLeft: number;
  } | null;
  readonly pendingChanges: boolean | null;
  readonly pendingOperations: Readonly<Record<string, number>>;
  readonly warn: boolean;
  readonly error: string | null;
}

type Certs = Readonly<Record<string, { readonly notAfter?: unknown }>>;

const DAY_MS = 86_400_000;

/**
 * The certificates on the cluster today: the new PKI once a rotation verified (output
 * rotationDone), else the ones it would replace; a stack never updated, apimodel.json's.
 */
export function certificatesOnCluster(f: StackFacts): Certs | undefined {
  const o = f.outputs;
  if (o.rotationDone !== undefined && o.certificates !== undefined) return o.certificates as Certs;
  if (o.previousCertificates !== undefined) return o.previousCertificates as Certs;
  return f.apimodelCertificates;
}

/** The certificate that expires first, and its whole days left (negative once expired). */
export function earliestNotAfter(
  certs: Certs | undefined,
  now: Date,
): StatusRow["earliestNotAfter"] {
  let best: { certificate: string; notAfter: string; t: number } | undefined;
  for (const [certificate, facts] of Object.entries(certs ?? {})) {
    const t = typeof facts.notAfter === "string" ? Date.parse(facts.notAfter) : NaN;
    if (!Number.isNaN(t) && (best === undefined || t < best.t))
      best = { certificate, notAfter: new Date(t).toISOString(), t };
  }
  if (best === undefined) return null;
  return {
    certificate: best.certificate,
    notAfter: best.notAfter,
    daysLeft: Math.floor((best.t - now.getTime()) / DAY_MS),
  };
}

/** The rotation in the outputs, and when it first succeeded (the oldest success with its id). */
export function lastRotation(f: StackFacts): StatusRow["lastRotation"] {
  const id = f.outputs.rotationId;
  if (typeof id !== "string") return null;
  const ok = f.history.filter(
    (h) => h.kind === "update" && h.result === "succeeded" && h.rotationId === id,
  );
  return { id, at: ok.at(-1)?.endTime ?? null };
}

function pending(f: StackFacts): [boolean | null, Record<string, number>] {
  if (f.preview === undefined || "error" in f.preview) return [null, {}];
  const changed = Object.fromEntries(
    Object.entries(f.preview.ops).filter(([op, n]) => op !== "same" && n > 0),
  );
  return [Object.keys(changed).length > 0, changed];
}

export function statusRow(f: StackFacts, now: Date, warnDays: number): StatusRow {
  const earliest = earliestNotAfter(certificatesOnCluster(f), now);
  const last = f.history[0];
  const [pendingChanges, pendingOperations] = pending(f);
  const previewError =
    f.preview !== undefined && "error" in f.preview ? f.preview.error : undefined;
  return {
    stack: f.stack,
    cluster: f.cluster?.dnsPrefix ?? null,
    masters: f.cluster?.masters ?? null,
    agents: f.cluster?.agents ?? null,
    rotationId: f.configuredRotationId ?? null,
    lastRotation: lastRotation(f),
    lastUpdate:
      last === undefined
        ? null
        : { kind: last.kind, result: last.result, at: last.endTime ?? null },
    earliestNotAfter: earliest,
    pendingChanges,
    pendingOperations,
    warn: earliest !== null && Date.parse(earliest.notAfter) < now.getTime() + warnDays * DAY_MS,
    error: f.error ?? (previewError === undefined ? null : `preview: ${previewError}`),
  };
}
