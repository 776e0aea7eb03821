// The real engine, offline: `npx pulumi` (CLI, Node.js language host, tls and command plugins
// from `npm run setup`) takes a small stack through preview, up, an up that changes nothing, and
// destroy, against an sshd on loopback that this test starts and stops.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import {
  ENGINE_CHOICE,
  copyFixture,
  PLUGIN_SET,
  PROJECT_ROOT,
  engineEnv,
  pluginDirs,
  pulumi,
  pulumiOk,
} from "./support/engine";
import { Sshd, startSshd } from "./support/sshd";

const FIXTURE = path.join(__dirname, "fixtures", "smoke");
/** The plugin version an installed SDK requests (its "pulumi" section, else its own version). */
function sdkPluginVersion(pkg: string): string {
  const file = path.join(PROJECT_ROOT, "node_modules", pkg, "package.json");
  const json = JSON.parse(fs.readFileSync(file, "utf8")) as {
    version: string;
    pulumi?: { version?: string };
  };
  return json.pulumi?.version ?? json.version;
}

/** The host keys with the ed25519 one first, the others in ssh-keyscan's order. */
function ed25519First(keys: string[]): string[] {
  const ed = keys.filter((k) => k.startsWith("ssh-ed25519 "));
  assert.equal(ed.length, 1, `one ed25519 host key expected in ${JSON.stringify(keys)}`);
  assert.equal(keys.length, 3, "rsa, ecdsa and ed25519 host keys, as on an AKS Engine node");
  return [...ed, ...keys.filter((k) => !k.startsWith("ssh-ed25519 "))];
}

interface PreviewJson {
  steps?: { op: string; urn: string }[];
  changeSummary?: Record<string, number>;
}

describe("the offline Pulumi engine (npx pulumi)", function () {
  let sshd: Sshd;
  let work: string;
  let env: NodeJS.ProcessEnv;
  let home: string;
  let pluginsBefore: string[];
  let project: string;
  let transcript = "";
  const certPath = (): string => path.join(sshd.dir, "installed-cert.pem");
  const run = (args: string[], input?: string): string => {
    const r = pulumiOk(args, { cwd: project, env, input });
    transcript += `$ pulumi ${args.join(" ")}\n${r.stdout}\n${r.stderr}\n`;
    return r.stdout;
  };

  before(async function () {
    assert.ok(
      fs.existsSync(ENGINE_CHOICE),
      `no engine set up (${ENGINE_CHOICE}): run npm run setup`,
    );
    sshd = await startSshd();
    work = fs.mkdtempSync(path.join(os.tmpdir(), "engine-smoke-"));
    fs.mkdirSync(path.join(work, "state"));
    project = copyFixture(FIXTURE, work);
    env = {
      // An isolated stack: state in a temp dir, a test passphrase (both override env.sh defaults).
      PULUMI_BACKEND_URL: `file://${path.join(work, "state")}`,
      PULUMI_CONFIG_PASSPHRASE: "engine-smoke-test",
      // ts-node without type checking: tools/lint.sh type-checks the fixture, and on 2 cores a
      // type-checked start costs tens of seconds per pulumi command.
      PULUMI_NODEJS_TRANSPILE_ONLY: "true",
    };
    home = engineEnv().PULUMI_HOME;
    pluginsBefore = pluginDirs(home);
  });

  after(async function () {
    if (work) {
      pulumi(["destroy", "--yes", "--skip-preview", "-s", "smoke"], { cwd: project, env });
      fs.rmSync(work, { recursive: true, force: true });
    }
    if (sshd) {
      await sshd.stop();
      fs.rmSync(sshd.dir, { recursive: true, force: true });
    }
  });

  it("exports offline defaults and keeps a user's own backend and passphrase", function () {
    const defaults = engineEnv({ PULUMI_BACKEND_URL: "", PULUMI_CONFIG_PASSPHRASE: undefined });
    assert.equal(defaults.PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION, "true");
    assert.equal(defaults.PULUMI_SKIP_UPDATE_CHECK, "true");
    assert.equal(
      defaults.PULUMI_BACKEND_URL,
      `file://${path.join(PROJECT_ROOT, ".work", "pulumi-state")}`,
    );
    // No passphrase for just any stack: the lab's public one comes from lab-env.sh only.
    assert.equal(defaults.PULUMI_CONFIG_PASSPHRASE, undefined);
    const own = engineEnv({
      PULUMI_BACKEND_URL: "azblob://state-container",
      PULUMI_CONFIG_PASSPHRASE: "mine",
    });
    assert.equal(own.PULUMI_BACKEND_URL, "azblob://state-container");
    assert.equal(own.PULUMI_CONFIG_PASSPHRASE, "mine");
  });

  it("runs the CLI at @pulumi/pulumi's version", function () {
    assert.equal(run(["version"]).trim(), `v${sdkPluginVersion("@pulumi/pulumi")}`);
  });

  it("has the provider plugins at exactly the versions the SDKs request", function () {
    const plugins = JSON.parse(run(["plugin", "ls", "--json"])) as {
      name: string;
      kind: string;
      version: string;
    }[];
    for (const [pkg, name] of [
      ["@pulumi/command", "command"],
      ["@pulumi/tls", "tls"],
      ["@pulumi/kubernetes", "kubernetes"],
    ]) {
      const want = sdkPluginVersion(pkg);
      const binary = path.join(
        home,
        "plugins",
        `resource-${name}-v${want}`,
        `pulumi-resource-${name}`,
      );
      assert.ok(fs.existsSync(binary), `${binary} is missing: run npm run setup`);
      assert.ok(
        plugins.some((p) => p.kind === "resource" && p.name === name && p.version === want),
        `resource plugin ${name} ${want} missing from: ${JSON.stringify(plugins)}`,
      );
    }
  });

  it("previews the stack without running anything", function () {
    run(["stack", "init", "smoke", "--non-interactive"]);
    run(["config", "set", "workDir", sshd.dir]);
    run(["config", "set", "sshPort", String(sshd.port)]);
    run(["config", "set", "sshUser", sshd.user]);
    // Pinned as an operator would from ssh-keyscan, ed25519 first: the plugin must ask the
    // server for that type although the server also has rsa and ecdsa keys.
    run(["config", "set", "sshHostKey", ed25519First(sshd.hostKeys).join("\n")]);
    // The key goes in on stdin: never in a command line.
    run(
      ["config", "set", "--secret", "sshPrivateKey"],
      fs.readFileSync(sshd.clientKeyPath, "utf8"),
    );

    const preview = JSON.parse(run(["preview", "--json"])) as PreviewJson;
    const created = (preview.steps ?? []).filter((s) => s.op === "create").map((s) => s.urn);
    for (const t of [
      "tls:index/privateKey:PrivateKey",
      "tls:index/selfSignedCert:SelfSignedCert",
      "command:remote:Command",
      "command:remote:CopyToRemote",
    ]) {
      assert.ok(
        created.some((u) => u.includes(t)),
        `no create of ${t} in ${JSON.stringify(preview)}`,
      );
    }
    assert.equal(fs.existsSync(certPath()), false, "preview must not run the remote command");
    assert.equal(fs.existsSync(path.join(sshd.dir, "copied")), false, "preview must not copy");
  });

  it("creates the key and certificate and installs the certificate over SSH", function () {
    run(["up", "--yes", "--skip-preview"]);
    const outputs = JSON.parse(run(["stack", "output", "--json", "--show-secrets"])) as Record<
      string,
      string
    >;
    assert.match(outputs.certPem, /^-----BEGIN CERTIFICATE-----/);
    assert.equal(fs.readFileSync(certPath(), "utf8"), outputs.certPem);
    assert.match(outputs.installedSubject, /CN\s*=\s*engine-smoke\.local/);
    assert.match(outputs.publicKeyOpenssh, /^ecdsa-sha2-nistp256 /);
    const sets = outputs.pluginSets as unknown as Record<string, string>;
    const expected = PLUGIN_SET === "own" ? "aks-rotate-certs-own" : PLUGIN_SET;
    assert.deepEqual(sets, { command: expected, tls: expected }, "the plugin set under test");
    assert.equal(
      fs.readFileSync(path.join(sshd.dir, "copied", "payload", "hello.txt"), "utf8"),
      fs.readFileSync(path.join(FIXTURE, "payload", "hello.txt"), "utf8"),
    );

    // Key material only as ciphertext in the state.
    const state = JSON.parse(run(["stack", "export"])) as unknown;
    const text = JSON.stringify(state);
    assert.doesNotMatch(text, /PRIVATE KEY-----/);
    assert.ok(text.includes("4dabf18193072939515e22adb298388d"), "secrets must be marked in state");
  });

  it("changes nothing on a second up", function () {
    run(["up", "--yes", "--skip-preview", "--expect-no-changes"]);
    const preview = JSON.parse(run(["preview", "--json"])) as PreviewJson;
    const ops = new Set((preview.steps ?? []).map((s) => s.op));
    assert.deepEqual([...ops], ["same"], JSON.stringify(preview.changeSummary));
  });

  it("destroys the stack, running the remote delete command", function () {
    run(["destroy", "--yes", "--skip-preview"]);
    assert.equal(fs.existsSync(certPath()), false, "the delete command removes the certificate");
    const preview = JSON.parse(run(["stack", "export"])) as { deployment?: { resources?: [] } };
    assert.equal((preview.deployment?.resources ?? []).length, 0);
  });

  it("attempted no download", function () {
    assert.deepEqual(pluginDirs(home), pluginsBefore, "PULUMI_HOME/plugins gained entries");
    assert.doesNotMatch(transcript, /download/i);
  });
});
