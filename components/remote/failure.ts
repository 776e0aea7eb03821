// A failed step's own lines first: both command plugin sets fail a command with
// '<err>: running "<command>":\n<stdout and stderr>' (upstream pulumi-command v1.2.1; the own
// plugin conforms, tools/pulumi/README.md), so a failing preflight showed a long command line
// (the node's 17 expected files) before its problem lines. An error hook on every step prints
// the script's lines as an error of the failed step itself, before the engine reports the
// step's own error: under that step, the CLI shows them first, alone.
import * as pulumi from "@pulumi/pulumi";

/** At most this many of a failed command's last lines are shown first (the rest stays below). */
const MAX_LINES = 20;

/**
 * The lines a failed command printed, from a command plugin's error; undefined for an error that
 * is not a failed command's (a dial failure) or a command that printed nothing.
 */
export function failedCommandLines(error: string): string[] | undefined {
  // The command is Go-quoted (%q): no raw newline or unescaped quote inside.
  const head = /^[^\n]*?: running "(?:[^"\\\n]|\\.)*":\n/.exec(error);
  if (head === null) return undefined;
  const lines = error
    .slice(head[0].length)
    .split("\n")
    .map((l) => l.trimEnd())
    .filter((l) => l !== "");
  return lines.length === 0 ? undefined : lines.slice(-MAX_LINES);
}

let hook: pulumi.ErrorHook | undefined;

/**
 * The error hook every step carries: on a failed create or update, the step's own lines as one
 * error of that step, delivered before the hook returns (so before the engine's error for it).
 * Never asks for a retry: a step's failure is final for this run.
 */
export function scriptLinesFirst(): pulumi.ErrorHook {
  hook ??= new pulumi.ErrorHook("aks-rotate-certs-script-lines-first", async (args) => {
    // The hook gets the step's URN, not its object; logging needs only the URN of it.
    const step = { urn: pulumi.output(args.urn) } as unknown as pulumi.Resource;
    for (const error of args.errors) {
      const lines = failedCommandLines(error);
      if (lines !== undefined) await pulumi.log.error(lines.join("\n"), step);
    }
    return false;
  });
  return hook;
}
