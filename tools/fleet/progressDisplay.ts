// Where `fleet up`'s progress goes (the board is progress.ts): on a terminal, a table on stderr
// redrawn in place twice a second, with the clusters' result lines printed above it; elsewhere
// (CI, a pipe) one stderr line per phase change. stdout keeps the result lines alone either way.
import { ProgressBoard } from "./progress";

export interface ProgressDisplay {
  started(stack: string, urn: string): void;
  finished(stack: string, result: string): void;
  /** A result line for stdout, printed above the table on a terminal. */
  result(line: string): void;
  stop(): void;
}

export function progressDisplay(
  stacks: readonly string[],
  err: NodeJS.WriteStream = process.stderr,
): ProgressDisplay {
  const board = new ProgressBoard(stacks);
  if (!err.isTTY) {
    return {
      started: (s, urn) => {
        const line = board.started(s, urn);
        if (line !== undefined) err.write(`${line}\n`);
      },
      finished: (s, r) => board.finished(s, r),
      result: (line) => console.log(line),
      stop: () => undefined,
    };
  }
  let drawn = 0;
  const clear = () => {
    if (drawn > 0) err.write(`\x1b[${drawn}A\x1b[J`);
    drawn = 0;
  };
  const draw = () => {
    clear();
    const lines = board.render();
    err.write(`${lines.join("\n")}\n`);
    drawn = lines.length;
  };
  const timer = setInterval(draw, 500);
  return {
    started: (s, urn) => void board.started(s, urn),
    finished: (s, r) => board.finished(s, r),
    result: (line) => {
      clear();
      console.log(line);
      draw();
    },
    stop: () => {
      clearInterval(timer);
      draw();
    },
  };
}
