// The SSH probe: one local command, before any step reaches a node, that logs in to the jump host
// and every node once over OpenSSH (scripts/local/ssh-probe.sh). A wrong key, user or pin and an
// unreachable jump host then stop the run once, naming the config key to fix, instead of once per
// node after a command provider's dial retries (upstream retries even a refused login).
import * as command from "@pulumi/command";
import * as pulumi from "@pulumi/pulumi";
import { preferredHostKey, type SshPlan } from "../config";
import { sha256Hex } from "./bundle";
import { sshRoute } from "./connection";
import { scriptLinesFirst } from "./failure";
import { LOCAL_SCRIPTS_DIR, shellQuote } from "./scripts";

/** What the probe reads: the route of every node and the jump host, as sshRoute gives them. */
export function probeEnvironment(ssh: SshPlan): Record<string, string> {
  const nodes = Object.keys(ssh.nodes).map((node) => {
    const route = sshRoute(ssh, node);
    // "jump": the node is the jump host, which the probe reaches first anyway.
    const key = route.jump === undefined ? "jump" : (route.hostKey ?? "-");
    return `${node} ${route.host} ${key}`;
  });
  // The jump host's pin as sshRoute takes it for every route through it.
  const jumpKey = ssh.verifyHostKeys ? (preferredHostKey(ssh.jumpHost.hostKeys) ?? "-") : "-";
  return {
    PROBE_USER: ssh.user,
    PROBE_JUMP: `${ssh.jumpHost.address} ${jumpKey}`,
    PROBE_NODES: nodes.join("\n"),
    PROBE_KEY_FROM: ssh.sources.privateKey,
    PROBE_KNOWN_HOSTS: ssh.sources.knownHosts,
    PROBE_TIMEOUT: String(ssh.perDialTimeoutSeconds),
  };
}

/**
 * The probe as a command on the operator's machine. It runs again whenever what it checks or the
 * work it guards changes (`runFor`: rotation id and action), not on a rerun of the same work,
 * which may meet a node mid-reboot refusing logins (pam_nologin) that its own waits ride out.
 */
export function sshProbe(
  name: string,
  ssh: SshPlan,
  runFor: readonly string[],
  opts?: pulumi.CustomResourceOptions,
): command.local.Command {
  const environment = probeEnvironment(ssh);
  const key = ssh.privateKey.reveal();
  return new command.local.Command(
    name,
    {
      create: ["bash", `${LOCAL_SCRIPTS_DIR}/ssh-probe.sh`].map(shellQuote).join(" "),
      environment,
      stdin: pulumi.secret(key),
      // The key's digest says when the key changed; kept secret all the same.
      triggers: [...runFor, environment, pulumi.secret(sha256Hex(key))],
      logging: "none",
    },
    // Its one line, naming the config key, before the command line it ran.
    {
      ...opts,
      additionalSecretOutputs: ["stdout", "stderr"],
      hooks: { onError: [scriptLinesFirst()] },
    },
  );
}

/** The SSH plan whose every connection waits for the probe (connectionFor reads `probed`). */
export function afterProbe(ssh: SshPlan, probe: command.local.Command): SshPlan {
  return { ...ssh, probed: probe.urn };
}
