// How every remote step reaches its node: through the jump host, with pinned host keys and the
// SSH key as a secret. Pure: turns part 1's SshPlan into @pulumi/command connection args.
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

/** Connection args for one node, with the jump host as proxy unless the node is the jump host. */
export function connectionFor(
  ssh: SshPlan,
  node: string,
  options: ConnectionOptions = {},
): ConnectionArgs {
  const target = ssh.nodes[node];
  if (target === undefined) throw new Error(`no SSH target for node ${node}`);
  const privateKey = pulumi.secret(ssh.privateKey.reveal());
  const common = {
    user: ssh.user,
    privateKey,
    perDialTimeout: ssh.perDialTimeoutSeconds,
    dialErrorLimit: options.dialErrorLimit ?? 10,
  };
  const direct = target.address === ssh.jumpHost.address;
  return {
    ...common,
    host: target.address,
    // Pinned: the provider accepts one key in authorized_keys form, asks the server for its type
    // and checks it exactly.
    hostKey: ssh.verifyHostKeys ? preferredHostKey(target.hostKeys) : undefined,
    proxy: direct
      ? undefined
      : {
          ...common,
          host: ssh.jumpHost.address,
          hostKey: ssh.verifyHostKeys ? preferredHostKey(ssh.jumpHost.hostKeys) : undefined,
        },
  };
}
