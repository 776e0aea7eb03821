// `fleet status`, pure part: the row built from a stack's facts, the table and the JSON (tables).
import assert from "node:assert/strict";
import { statusReport, statusTable } from "../../../tools/fleet/statusFormat";
import { statusRow, type StackFacts } from "../../../tools/fleet/statusRow";

const NOW = new Date("2026-12-01T00:00:00Z");
const old = {
  ca: { notAfter: "2027-01-10T00:00:00Z" },
  apiserver: { notAfter: "2026-12-11T12:00:00Z" },
};
const fresh = { ca: { notAfter: "2056-11-24T00:00:00Z" } };
const base: StackFacts = {
  stack: "east",
  cluster: { dnsPrefix: "east", masters: 3, agents: 2 },
  configuredRotationId: "r2",
  outputs: {},
  history: [],
  apimodelCertificates: old,
  preview: { ops: { create: 120, same: 0 } },
};
const rotated: StackFacts = {
  ...base,
  outputs: {
    rotationId: "r2",
    rotationDone: "done",
    certificates: fresh,
    previousCertificates: old,
  },
  history: [
    { kind: "update", result: "succeeded", endTime: "2026-11-20T10:00:00.000Z", rotationId: "r2" },
    { kind: "update", result: "succeeded", endTime: "2026-11-19T10:00:00.000Z", rotationId: "r2" },
    { kind: "update", result: "failed", endTime: "2026-11-19T09:00:00.000Z", rotationId: "r2" },
    { kind: "update", result: "succeeded", endTime: "2026-06-01T10:00:00.000Z", rotationId: "r1" },
  ],
  preview: { ops: { same: 127 } },
};

describe("fleet statusRow", () => {
  const rows: [string, StackFacts, number, Partial<ReturnType<typeof statusRow>>][] = [
    [
      "never updated: apimodel.json's certificates, inside 30 days",
      base,
      30,
      {
        lastRotation: null,
        lastUpdate: null,
        pendingChanges: true,
        pendingOperations: { create: 120 },
        warn: true,
        earliestNotAfter: {
          certificate: "apiserver",
          notAfter: "2026-12-11T12:00:00.000Z",
          daysLeft: 10,
        },
      },
    ],
    ["the same, --warn-days 10: 10.5 days left is outside", base, 10, { warn: false }],
    [
      "rotated: the new PKI, first success of its id, nothing pending",
      rotated,
      30,
      {
        lastRotation: { id: "r2", at: "2026-11-19T10:00:00.000Z" },
        lastUpdate: { kind: "update", result: "succeeded", at: "2026-11-20T10:00:00.000Z" },
        earliestNotAfter: {
          certificate: "ca",
          notAfter: "2056-11-24T00:00:00.000Z",
          daysLeft: 10951,
        },
        pendingChanges: false,
        pendingOperations: {},
        warn: false,
        error: null,
      },
    ],
    [
      "an update that did not verify: the certificates it would replace",
      { ...rotated, outputs: { rotationId: "r2", previousCertificates: old } },
      30,
      {
        earliestNotAfter: {
          certificate: "apiserver",
          notAfter: "2026-12-11T12:00:00.000Z",
          daysLeft: 10,
        },
        warn: true,
      },
    ],
    [
      "expired",
      { ...base, apimodelCertificates: { ca: { notAfter: "2026-11-29T00:00:00Z" } } },
      0,
      {
        earliestNotAfter: { certificate: "ca", notAfter: "2026-11-29T00:00:00.000Z", daysLeft: -2 },
        warn: true,
      },
    ],
    [
      "preview failed",
      { ...base, preview: { error: "invalid input: x" } },
      30,
      { pendingChanges: null, error: "preview: invalid input: x" },
    ],
    [
      "unreadable stack",
      { stack: "x", outputs: {}, history: [], error: "no apiModel" },
      30,
      {
        cluster: null,
        masters: null,
        earliestNotAfter: null,
        warn: false,
        error: "no apiModel",
      },
    ],
  ];
  for (const [name, facts, warnDays, want] of rows) {
    it(name, () => {
      const got = statusRow(facts, NOW, warnDays);
      const picked = Object.fromEntries(
        Object.keys(want).map((k) => [k, got[k as keyof typeof got]]),
      );
      assert.deepEqual(picked, want);
    });
  }
});

describe("fleet status table and JSON", () => {
  const rows = [
    statusRow(base, NOW, 30),
    statusRow(rotated, NOW, 30),
    statusRow({ stack: "x", outputs: {}, history: [], error: "no apiModel" }, NOW, 30),
  ];
  it("prints one aligned row per stack, then the errors", () => {
    assert.equal(
      statusTable(rows),
      [
        "STACK  CLUSTER  NODES  ROTATION  ROTATED     LAST UPDATE           EARLIEST NOTAFTER     DAYS   PENDING",
        "east   east     3+2    -         -           never                 2026-12-11 apiserver  10 !   120 create",
        "east   east     3+2    r2        2026-11-19  succeeded 2026-11-20  2056-11-24 ca         10951  none",
        "x      ?        ?      -         -           never                 -                     -      error",
        "x: no apiModel",
      ].join("\n"),
    );
  });
  const reports: [string, typeof rows, boolean][] = [
    ["a cluster inside --warn-days: alert", rows.slice(0, 2), true],
    ["an unreadable stack: alert", rows.slice(1), true],
    ["all fine: no alert", rows.slice(1, 2), false],
    ["no stacks: no alert", [], false],
  ];
  for (const [name, r, alert] of reports) {
    it(name, () => {
      const report = statusReport(r, NOW, 30);
      assert.deepEqual(Object.keys(report), [
        "version",
        "generatedAt",
        "warnDays",
        "alert",
        "clusters",
      ]);
      assert.equal(report.version, 1);
      assert.equal(report.alert, alert);
    });
  }
  it("keeps every field of a row, in a stable order", () => {
    assert.deepEqual(Object.keys(rows[0]), [
      "stack",
      "cluster",
      "masters",
      "agents",
      "rotationId",
      "lastRotation",
      "lastUpdate",
      "earliestNotAfter",
      "pendingChanges",
      "pendingOperations",
      "warn",
      "error",
    ]);
  });
});
