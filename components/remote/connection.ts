// How every remote step reaches its node: through the jump host, with pinned host keys and the
// SSH key as a secret. Pure: turns the config's SshPlan into @pulumi/command connection args.
import type * as command from "@pulumi/command";
import * as pulumi from "@pulumi/pulumi";
import { preferredHostKey, type SshPlan } from "../config";

type ConnectionArgs = command.types.input.remote.ConnectionArgs;

export interface ConnectionOptions {
  /**
   * Dial attempts before a step fails. Steps that follow a reboot need many: the waiting for the
   * node to come back is these retries.
   * @default 10 (the provider's default)
   */
  readonly dialErrorLimit?: number;
}

/** How one node is reached: its address and pin, and the jump host's unless it is the jump host. */
export interface SshRoute {
  readonly host: string;
  /** The one pinned key (`preferredHostKey`), or undefined when host keys are not verified. */
  readonly hostKey?: string;
  readonly jump?: { readonly host: string; readonly hostKey?: string };
}

/**
 * The route to a node, for every way the program reaches one (provider connections, the reboot
 * wait's OpenSSH). The provider and OpenSSH both take one key per host and ask the server for
 * its type.
 */
export function sshRoute(ssh: SshPlan, node: string): SshRoute {
  const target = ssh.nodes[node];
  if (target === undefined) throw new Error(`no SSH target for node ${node}`);
  const pin = (keys: readonly string[]) =>
    ssh.verifyHostKeys ? preferredHostKey(keys) : undefined;
  const direct = target.address === ssh.jumpHost.address;
  return {
    host: target.address,
    hostKey: pin(target.hostKeys),
    jump: direct ? undefined : { host: ssh.jumpHost.address, hostKey: pin(ssh.jumpHost.hostKeys) },
  };
}

/**
 * The Outputs every connection to a node shares, made once per SSH plan: a thousand steps made
 * a secret and an apply each, the same values every time (issue 14).
 */
interface SharedOutputs {
  readonly privateKey: pulumi.Output<string>;
  readonly hosts: Map<string, pulumi.Input<string>>;
}
const shared = new WeakMap<SshPlan, SharedOutputs>();

function sharedOutputs(ssh: SshPlan): SharedOutputs {
  let made = shared.get(ssh);
  if (made === undefined) {
    made = { privateKey: pulumi.secret(ssh.privateKey.reveal()), hosts: new Map() };
    shared.set(ssh, made);
  }
  return made;
}

/** Connection args for one node, with the jump host as proxy unless the node is the jump host. */
export function connectionFor(
  ssh: SshPlan,
  node: string,
  options: ConnectionOptions = {},
): ConnectionArgs {
  const route = sshRoute(ssh, node);
  const outputs = sharedOutputs(ssh);
  const common = {
    user: ssh.user,
    privateKey: outputs.privateKey,
    perDialTimeout: ssh.perDialTimeoutSeconds,
    dialErrorLimit: options.dialErrorLimit ?? 10,
  };
  let host = outputs.hosts.get(node);
  if (host === undefined) {
    // The same address, resolved only once the SSH probe passed: the step waits for it.
    host = ssh.probed === undefined ? route.host : ssh.probed.apply(() => route.host);
    outputs.hosts.set(node, host);
  }
  return {
    ...common,
    host,
    hostKey: route.hostKey,
    proxy: route.jump === undefined ? undefined : { ...common, ...route.jump },
  };
}
