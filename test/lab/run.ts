// The lab's command line, run from tests through the shared runner.
import { run, type RunOptions, type RunResult } from "../support/proc";

export { repoRoot, run, runOk, type RunOptions, type RunResult } from "../support/proc";

export function lab(args: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
  return run("bash", ["lab/lab.sh", ...args], opts);
}
