// The last node list read, kept in _output/: a failed read later goes on with it, marked stale.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { NODE_LIST_CACHE, withNodeListCache } from "../../../components/config";
import { takeInventory } from "../../../components/cluster";
import { fixtureCluster, tempDir } from "../support/fixtures";
import { liveNodes } from "../support/liveNodes";

const S = "12345678";
const NODES = liveNodes([0, 1, 2].map((i) => `k8s-master-${S}-${i}`));
const SERVER = "https://10.240.255.15";
const AT = new Date("2026-12-01T10:00:00Z");

describe("node list cache", () => {
  let dir: string;
  let cleanup: () => void;
  beforeEach(() => ({ dir, cleanup } = tempDir()));
  afterEach(() => cleanup());

  const rows: { case: string; first?: boolean; read: "ok" | "failed"; expected: unknown }[] = [
    { case: "a failed read with nothing kept stays failed", read: "failed", expected: "failed" },
    { case: "a fresh read is returned as it is", first: true, read: "ok", expected: "ok" },
    {
      case: "a failed read after a fresh one gets the kept list, marked stale",
      first: true,
      read: "failed",
      expected: {
        ok: true,
        server: SERVER,
        nodes: NODES,
        stale: { readAt: "2026-12-01T10:00:00.000Z", reason: "HTTP 401" },
      },
    },
  ];
  for (const row of rows) {
    it(row.case, () => {
      const ok = { ok: true as const, server: SERVER, nodes: NODES };
      const failed = { ok: false as const, server: SERVER, reason: "HTTP 401" };
      if (row.first) withNodeListCache(ok, dir, AT);
      const result = withNodeListCache(row.read === "ok" ? ok : failed, dir, AT);
      const expected =
        row.expected === "ok" ? ok : row.expected === "failed" ? failed : row.expected;
      assert.deepEqual(result, expected);
    });
  }

  it("keeps names, addresses and Ready states only, and says in a warning that it is stale", () => {
    withNodeListCache({ ok: true, server: SERVER, nodes: NODES }, dir, AT);
    const kept = JSON.parse(fs.readFileSync(path.join(dir, NODE_LIST_CACHE), "utf8"));
    assert.deepEqual(Object.keys(kept), ["server", "readAt", "nodes"]);
    const read = withNodeListCache({ ok: false, server: SERVER, reason: "HTTP 401" }, dir);
    const inv = takeInventory(fixtureCluster("three-masters"), read, {
      source: "cluster",
      explicit: true,
    });
    assert.equal(
      inv.warnings[0],
      `node inventory: could not read the node list from ${SERVER} (HTTP 401); using the list read at 2026-12-01T10:00:00.000Z.`,
    );
  });
});
