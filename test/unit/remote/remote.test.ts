// Reaching nodes: command lines, shell quoting, the stage bundle format, script hashes.
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import {
  bundleLine,
  remoteBaseDir,
  scriptCommand,
  scriptHash,
  scriptsBundleHash,
  sha256Hex,
  shellQuote,
} from "../../../components/remote";

describe("remote steps", () => {
  it("runs a delivered script through sudo -n from the admin's home", () => {
    assert.strictEqual(
      scriptCommand("azureuser", "install.sh", ["/etc/kubernetes/certs/ca.crt"]),
      "sudo -n bash /home/azureuser/.aks-rotate-certs/remote/install.sh /etc/kubernetes/certs/ca.crt",
    );
    assert.strictEqual(remoteBaseDir("root"), "/root/.aks-rotate-certs");
  });

  it("quotes words that a shell would split or expand", () => {
    assert.strictEqual(shellQuote("a b"), "'a b'");
    assert.strictEqual(shellQuote("it's"), `'it'"'"'s'`);
    assert.strictEqual(shellQuote("$(reboot)"), "'$(reboot)'");
    assert.strictEqual(shellQuote("restarted-at=12"), "restarted-at=12");
  });

  it("writes bundle lines as stage.sh reads them: path mode owner:group sha256 base64", () => {
    const line = bundleLine(
      {
        node: "n",
        path: "/etc/kubernetes/certs/ca.key",
        mode: "0600",
        owner: "root",
        group: "root",
      },
      "KEY\n",
    );
    const [p, mode, owner, sha, b64, ...rest] = line.split(" ");
    assert.deepStrictEqual(
      [p, mode, owner, rest.length],
      ["/etc/kubernetes/certs/ca.key", "0600", "root:root", 0],
    );
    assert.strictEqual(sha, sha256Hex("KEY\n"));
    assert.strictEqual(Buffer.from(b64, "base64").toString(), "KEY\n");
  });

  it("hashes a script with the lib it sources, and the bundle with every script", () => {
    assert.match(scriptHash("stage.sh"), /^[0-9a-f]{64}$/);
    assert.notStrictEqual(scriptHash("stage.sh"), scriptHash("install.sh"));
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "scripts-"));
    try {
      fs.writeFileSync(path.join(dir, "a.sh"), "echo a\n");
      const before = scriptsBundleHash(dir);
      assert.strictEqual(scriptsBundleHash(dir), before);
      fs.writeFileSync(path.join(dir, "b.sh"), "echo b\n");
      assert.notStrictEqual(scriptsBundleHash(dir), before);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
