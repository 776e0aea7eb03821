// `lab down` leaves no trace: no process, network link, cgroup, mount or file of the lab.
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { ensureLab, Inventory, labWasTakenDown, stateDir } from "./fixture";
import { lab, run } from "./run";

const cgroup = "/sys/fs/cgroup/unified/akslab";

function startTime(pid: number): string | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19];
  } catch {
    return undefined;
  }
}

/** PIDs of the processes whose cgroup (v2 line) lies under the lab's. */
function processesInLabCgroups(): number[] {
  const found: number[] = [];
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cg = fs.readFileSync(`/proc/${entry}/cgroup`, "utf8");
      if (/^0::\/akslab(\/|$)/m.test(cg)) found.push(Number(entry));
    } catch {
      // the process ended while we looked
    }
  }
  return found;
}

describe("lab down", function () {
  let inv: Inventory;
  const started: Array<{ pid: number; start: string }> = [];
  const netns: string[] = [];

  before(async function () {
    inv = await ensureLab();
    for (const node of inv.nodes) {
      for (const f of ["pid", "pid1"]) {
        const pid = Number(fs.readFileSync(path.join(node.dir, f), "utf8"));
        started.push({
          pid,
          start: fs.readFileSync(path.join(node.dir, `${f}.start`), "utf8").trim(),
        });
      }
      // The node's PID 1 as it is now: a node that rebooted (boot.sh) has a new one, so the
      // inventory's pid from `up` may be gone.
      const pid1 = Number(fs.readFileSync(path.join(node.dir, "pid1"), "utf8"));
      netns.push(fs.readlinkSync(`/proc/${pid1}/ns/net`));
    }
    assert.ok(
      processesInLabCgroups().length > inv.nodes.length,
      "the lab runs processes before down",
    );
  });

  it("removes every process, link, cgroup, mount and file the lab made", async () => {
    const r = await lab(["down"]);
    labWasTakenDown();
    assert.equal(r.code, 0, r.stderr);

    for (const { pid, start } of started) {
      assert.notEqual(startTime(pid), start, `process ${pid} of the lab still runs`);
    }
    assert.deepEqual(processesInLabCgroups(), []);
    for (const entry of fs.readdirSync("/proc").filter((e) => /^\d+$/.test(e))) {
      let ns: string | undefined;
      try {
        ns = fs.readlinkSync(`/proc/${entry}/ns/net`);
      } catch {
        continue;
      }
      assert.ok(!netns.includes(ns), `process ${entry} still lives in a node's network namespace`);
    }
    assert.ok(!fs.existsSync(cgroup), `${cgroup} is gone`);
    const links = await run("ip", ["-o", "link", "show"]);
    assert.doesNotMatch(links.stdout, /akslab/);
    const named = await run("ip", ["netns", "list"]);
    assert.doesNotMatch(named.stdout, /akslab/);
    const mounts = fs.readFileSync("/proc/self/mountinfo", "utf8");
    assert.doesNotMatch(mounts, /akslab|\.work\/lab/);
    assert.ok(!fs.existsSync(stateDir), `${stateDir} is gone`);
    assert.ok(!fs.existsSync(inv.outputDir), `${inv.outputDir} is gone`);
  });

  it("is a no-op when the lab is already down", async () => {
    const r = await lab(["down"]);
    assert.equal(r.code, 0, r.stderr);
    const status = await lab(["status"]);
    assert.equal(status.code, 3);
    assert.match(status.stdout, /lab is down/);
  });
});
