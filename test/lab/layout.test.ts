// The address and name layout of lab clusters (lab/lib/common.sh, lab/name-suffix): pure shell
// functions, checked without bringing a lab up.
import { strict as assert } from "node:assert";
import { runOk } from "./run";

/** Sources lab/lib/common.sh with LAB_NAME and runs `script` in the cluster's network. */
async function layout(name: string, vnet: string, script: string): Promise<string> {
  const r = await runOk(
    "bash",
    ["-c", `source lab/lib/common.sh && lab_set_vnet "$1" && ${script}`, "layout", vnet],
    { env: { LAB_NAME: name } },
  );
  return r.stdout;
}

const SHOW = `printf '%s\\n' "\${LAB_STATE#"\${LAB_REPO_ROOT}/"}" "\${LAB_BRIDGE}" "\${LAB_BRIDGE_IP}" \\
  "\${LAB_CGROUP##*/}" "\${LAB_OUTPUT_DIR#"\${LAB_REPO_ROOT}/"}" "$(veth_name master 0)" \\
  "$(veth_name agent 49)" "$(master_ip 0)" "$(master_ip 4)" "$(agent_ip 0)" "$(internal_lb_ip)"`;

describe("lab cluster layout", () => {
  it("keeps the default cluster's names, paths and AKS Engine addresses", async () => {
    assert.deepEqual((await layout("aks-lab", "10.240.0.0/16", SHOW)).trim().split("\n"), [
      ".work/lab",
      "akslab0",
      "10.240.0.1",
      "akslab",
      "_output/aks-lab",
      "akslab-m0",
      "akslab-a49",
      "10.240.255.5",
      "10.240.255.9",
      "10.240.0.4",
      "10.240.255.15",
    ]);
  });

  it("gives another cluster its own state, bridge, cgroup and links, and its network's custom-VNET layout", async () => {
    const got = (await layout("aks-lab2", "10.241.0.0/16", SHOW)).trim().split("\n");
    const tag = got[1].replace(/^akslab/, "");
    assert.match(tag, /^[0-9a-f]{4}$/);
    assert.deepEqual(got, [
      ".work/labs/aks-lab2",
      `akslab${tag}`,
      "10.241.0.1",
      `akslab${tag}`,
      "_output/aks-lab2",
      `akslab${tag}-m0`,
      `akslab${tag}-a49`,
      "10.241.255.5",
      "10.241.255.9",
      "10.241.0.4",
      "10.241.255.15",
    ]);
    // Linux interface names are at most 15 characters.
    for (const link of got.slice(5, 7)) assert.ok(link.length <= 15, link);
  });

  it("derives the nameSuffix as aks-engine does (fnv64a of the dnsPrefix seeding math/rand)", async () => {
    for (const [dnsPrefix, suffix] of [
      ["aks-lab", "11858198"],
      ["aks-lab2", "20297936"],
    ]) {
      const r = await runOk("bash", [
        "-c",
        'cd lab/name-suffix && go run main.go "$1"',
        "ns",
        dnsPrefix,
      ]);
      assert.equal(r.stdout.trim(), suffix, dnsPrefix);
    }
  });
});
