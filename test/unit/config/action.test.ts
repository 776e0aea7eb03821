// The `action` key: what `pulumi up` does, rotate (default), roll back to the nodes' backup, or
// finalize (remove the backups).
import assert from "node:assert/strict";
import { validateConfig } from "../../../components/config";
import { InputError } from "../../../components/types";

const BASE = { apiModel: "x", rotationId: "1" };

describe("config action", () => {
  it("rotates unless told otherwise", () => {
    assert.equal(validateConfig(BASE).action, "rotate");
    assert.equal(validateConfig({ ...BASE, action: "" }).action, "rotate");
  });

  it("accepts rollback and finalize", () => {
    assert.equal(validateConfig({ ...BASE, action: " rollback " }).action, "rollback");
    assert.equal(validateConfig({ ...BASE, action: "finalize" }).action, "finalize");
  });

  it("refuses anything else with the exact problem line", () => {
    assert.throws(
      () => validateConfig({ ...BASE, action: "undo" }),
      (err: unknown) => {
        assert.ok(err instanceof InputError);
        assert.deepEqual(err.problems, [
          'config action: expected "rotate", "rollback", "finalize", got "undo".',
        ]);
        return true;
      },
    );
  });
});
