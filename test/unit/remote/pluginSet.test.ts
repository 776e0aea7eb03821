import assert from "node:assert/strict";
import { pluginSetChange } from "../../../components/remote/pluginSet";

const OWN = { command: "aks-rotate-certs-own", tls: "aks-rotate-certs-own" };
const UPSTREAM = { command: "upstream", tls: "upstream" };

describe("pluginSetChange (the warning for a stack moved between plugin sets)", () => {
  it("says nothing on a stack's first update or one recorded before the output existed", () => {
    assert.equal(pluginSetChange(undefined, OWN), undefined);
    assert.equal(pluginSetChange({}, OWN), undefined);
  });

  it("says nothing when the same sets run again", () => {
    assert.equal(pluginSetChange({ ...OWN }, OWN), undefined);
  });

  it("names both sets and what a move means when they differ", () => {
    const warning = pluginSetChange(UPSTREAM, OWN);
    assert.ok(warning);
    assert.match(
      warning,
      /^plugin sets changed: this stack's previous update ran with command upstream, tls upstream; this run uses command aks-rotate-certs-own, tls aks-rotate-certs-own\. /,
    );
    assert.match(warning, /may re-run commands on the nodes/);
  });

  it("warns when only one package changed sets", () => {
    assert.ok(pluginSetChange({ ...OWN, tls: "upstream" }, OWN));
  });
});
