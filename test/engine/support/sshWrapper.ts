// An `ssh` for the test sshd, first on PATH: the program's OpenSSH steps (the SSH probe) dial
// port 22 and pin host keys by host name, the test sshd listens on a free port, so the wrapper
// adds the port and names the pinned host as HostKeyAlias (known_hosts would name "[host]:port").
// It logs each call's host, which counts the tries.
import * as fs from "node:fs";
import * as path from "node:path";
import type { Sshd } from "./sshd";

const WRAPPER = `#!/usr/bin/env bash
alias=
for a in "$@"; do case $a in -* | *" "* | *=*) ;; *@*) alias=\${a#*@} ;; esac; done
echo "$alias" >>"$SSH_WRAPPER_LOG"
exec /usr/bin/ssh -p "$SSH_WRAPPER_PORT" -o "HostKeyAlias=$alias" "$@"
`;

export interface SshWrapper {
  /** The environment that puts the wrapper first on PATH, for the sshd's port (or another). */
  env(port?: number): NodeJS.ProcessEnv;
  /** The hosts ssh was called for since the last call, in order. */
  takeCalls(): string[];
}

export function sshWrapper(sshd: Sshd): SshWrapper {
  const bin = path.join(sshd.dir, "bin");
  const log = path.join(sshd.dir, "ssh-calls");
  fs.mkdirSync(bin, { recursive: true });
  fs.writeFileSync(path.join(bin, "ssh"), WRAPPER, { mode: 0o755 });
  return {
    env: (port = sshd.port) => ({
      PATH: `${bin}:${process.env.PATH}`,
      SSH_WRAPPER_LOG: log,
      SSH_WRAPPER_PORT: String(port),
    }),
    takeCalls: () => {
      const calls = fs.existsSync(log) ? fs.readFileSync(log, "utf8").trim().split("\n") : [];
      fs.rmSync(log, { force: true });
      return calls.filter((c) => c !== "");
    },
  };
}
