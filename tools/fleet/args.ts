// The fleet command line, parsed without I/O: a verb, its positional arguments and its options,
// or one line saying what is wrong (the caller prints it with the usage and exits 2).

export type Verb = "init" | "status" | "preview" | "up" | "plan";

export interface FleetArgs {
  readonly verb: Verb;
  /** init: the cluster folders; preview/up: the stacks (none: every stack). */
  readonly positional: readonly string[];
  readonly json: boolean;
  readonly warnDays: number;
  readonly concurrency: number;
  readonly stopOnFailure: boolean;
  readonly diff: boolean;
  readonly rotationId?: string;
  readonly jumpHost?: string;
  /** init: store the SSH key itself as the stack's secret (sshPrivateKey), not its path. */
  readonly keyAsSecret: boolean;
  readonly secretsProvider?: string;
  readonly format?: "github-actions" | "azure-pipelines";
}

/** Which options each verb takes; "value" options read the next argument. */
const OPTIONS: Record<Verb, Record<string, "flag" | "value">> = {
  init: {
    "--rotation-id": "value",
    "--jump-host": "value",
    "--key-as-secret": "flag",
    "--secrets-provider": "value",
  },
  status: { "--json": "flag", "--warn-days": "value", "--concurrency": "value" },
  preview: { "--concurrency": "value", "--diff": "flag" },
  up: { "--rotation-id": "value", "--concurrency": "value", "--stop-on-failure": "flag" },
  plan: { "--format": "value", "--concurrency": "value" },
};

export const USAGE =
  "usage: npm run fleet -- init <output-dir>... [--rotation-id X] [--jump-host H] [--key-as-secret] [--secrets-provider P]\n" +
  "       npm run fleet -- status [--json] [--warn-days N] [--concurrency K]\n" +
  "       npm run fleet -- preview [stack...] [--concurrency K] [--diff]\n" +
  "       npm run fleet -- up --rotation-id X [stack...] [--concurrency K] [--stop-on-failure]\n" +
  "       npm run fleet -- plan --format github-actions|azure-pipelines [--concurrency K]";

/** Splits argv into positional arguments and option values; a string is the problem. */
function scan(verb: Verb, argv: readonly string[]): [string[], Map<string, string>] | string {
  const positional: string[] = [];
  const opts = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith("--")) {
      positional.push(a);
      continue;
    }
    const kind = OPTIONS[verb][a];
    if (kind === undefined) return `fleet ${verb}: unknown option ${a}`;
    if (kind === "flag") opts.set(a, "true");
    else if (i + 1 >= argv.length || argv[i + 1].startsWith("--"))
      return `fleet ${verb}: ${a} needs a value`;
    else opts.set(a, argv[++i]);
  }
  return [positional, opts];
}

function count(opts: Map<string, string>, key: string, dflt: number, min: number): number | string {
  const v = opts.get(key);
  if (v === undefined) return dflt;
  return /^\d+$/.test(v) && Number(v) >= min
    ? Number(v)
    : `${key} needs a whole number ≥ ${min}, not ${JSON.stringify(v)}`;
}

/** Checks what each verb requires once the options are read. */
function verbProblem(a: FleetArgs): string | undefined {
  if (a.verb === "init" && a.positional.length === 0)
    return "fleet init: name at least one _output/<dnsPrefix>/ folder";
  if (a.verb === "up" && a.rotationId === undefined)
    return "fleet up: --rotation-id is required (the new rotation's label)";
  if (a.verb === "plan" && a.format === undefined)
    return "fleet plan: --format github-actions|azure-pipelines is required";
  if ((a.verb === "status" || a.verb === "plan") && a.positional.length > 0)
    return `fleet ${a.verb}: unexpected argument ${a.positional[0]}`;
  return undefined;
}

export function parseArgs(argv: readonly string[]): FleetArgs | string {
  const verb = argv[0];
  if (verb === undefined || !(verb in OPTIONS))
    return `fleet: unknown verb ${JSON.stringify(verb ?? "")}`;
  const scanned = scan(verb as Verb, argv.slice(1));
  if (typeof scanned === "string") return scanned;
  const [positional, opts] = scanned;
  const warnDays = count(opts, "--warn-days", 30, 0);
  const concurrency = count(opts, "--concurrency", 4, 1);
  if (typeof warnDays === "string") return `fleet ${verb}: ${warnDays}`;
  if (typeof concurrency === "string") return `fleet ${verb}: ${concurrency}`;
  const format = opts.get("--format");
  if (format !== undefined && format !== "github-actions" && format !== "azure-pipelines")
    return `fleet plan: --format must be github-actions or azure-pipelines, not ${JSON.stringify(format)}`;
  const args: FleetArgs = {
    verb: verb as Verb,
    positional,
    json: opts.has("--json"),
    warnDays,
    concurrency,
    stopOnFailure: opts.has("--stop-on-failure"),
    diff: opts.has("--diff"),
    rotationId: opts.get("--rotation-id"),
    jumpHost: opts.get("--jump-host"),
    keyAsSecret: opts.has("--key-as-secret"),
    secretsProvider: opts.get("--secrets-provider"),
    format,
  };
  return verbProblem(args) ?? args;
}
