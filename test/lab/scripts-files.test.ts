// The file-handling node scripts (preflight, stage, backup, install, verify, front-proxy, etcd
// health gate, rollback) run for real — bash, coreutils, openssl, a TLS etcd member — on a
// sandboxed master, each twice: the second run must report nothing to do and leave every file,
// mode, owner and mtime as the first run left it.
import * as assert from "assert";
import { X509Certificate } from "crypto";
import { Sandbox, bundleLine, makePkiScript, sha256 } from "./scripts-sandbox";
import { EXPIRED_ON, expiredCertScript } from "../support/expiredCert";

const NODE = "k8s-master-12345678-0";
const CERTS = "/etc/kubernetes/certs";
const ADMIN_KUBECONFIG = "/home/azureuser/.kube/config";
const BACKUP_ID = "/etc/kubernetes/rotate-certs/backup-rotation-id";
const STAGING = "/etc/kubernetes/rotate-certs/certs";
const ROTATE = "/etc/kubernetes/rotate-certs";
// What the writing steps add to the files' own blocks (lib.sh FREE_MARGIN_BYTES).
const FREE_MARGIN = 65536;

// AKS Engine's layout of a master (docs/aks-engine.md §4): keys 0600, certs 0644, root except
// the etcd server key and the peer pair, owned by etcd.
const MASTER_FILES: readonly (readonly [string, string, string])[] = [
  ["ca.crt", "0644", "root:root"],
  ["ca.key", "0600", "root:root"],
  ["apiserver.crt", "0644", "root:root"],
  ["apiserver.key", "0600", "root:root"],
  ["client.crt", "0644", "root:root"],
  ["client.key", "0600", "root:root"],
  ["etcdserver.crt", "0644", "root:root"],
  ["etcdserver.key", "0600", "etcd:etcd"],
  ["etcdclient.crt", "0644", "root:root"],
  ["etcdclient.key", "0600", "root:root"],
  ["etcdpeer0.crt", "0644", "etcd:etcd"],
  ["etcdpeer0.key", "0600", "etcd:etcd"],
  ["proxy-ca.crt", "0644", "root:root"],
  ["proxy.crt", "0644", "root:root"],
  ["proxy.key", "0600", "root:root"],
];
const ETCD_FILES = [
  "ca.crt",
  "etcdserver.crt",
  "etcdserver.key",
  "etcdclient.crt",
  "etcdclient.key",
]
  .concat(["etcdpeer0.crt", "etcdpeer0.key"])
  .map((f) => `${CERTS}/${f}`);

const ETCD_DEFAULTS = [
  "--name master0 --data-dir /var/lib/etcd/sandbox",
  "--listen-client-urls https://127.0.0.1:2379 --advertise-client-urls https://127.0.0.1:2379",
  "--listen-peer-urls https://127.0.0.1:2380 --initial-advertise-peer-urls https://127.0.0.1:2380",
  "--initial-cluster master0=https://127.0.0.1:2380 --client-cert-auth --peer-client-cert-auth",
  `--trusted-ca-file=${CERTS}/ca.crt --cert-file=${CERTS}/etcdserver.crt --key-file=${CERTS}/etcdserver.key`,
  `--peer-trusted-ca-file=${CERTS}/ca.crt --peer-cert-file=${CERTS}/etcdpeer0.crt`,
  `--peer-key-file=${CERTS}/etcdpeer0.key`,
].join(" ");

describe("node scripts on a sandboxed master (files, etcd, front-proxy)", function () {
  this.timeout(120_000);
  const node = new Sandbox(NODE);
  let etcdPid = "";
  let bundle = "";
  const newContent = new Map<string, string>();

  function startEtcd(): void {
    etcdPid = node
      .must(`. /etc/default/etcd; etcd $DAEMON_ARGS >/var/log/etcd-sandbox.log 2>&1 & echo $!`)
      .trim();
  }
  function stopEtcd(): void {
    if (etcdPid)
      node.sh(`kill ${etcdPid}; while kill -0 ${etcdPid} 2>/dev/null; do sleep 0.1; done`);
    etcdPid = "";
  }
  function twice(script: string, args: string[] = [], input?: string) {
    const first = node.script(script, args, input);
    assert.strictEqual(first.code, 0, `${script} first run failed: ${first.stderr}`);
    const before = node.snapshot();
    const second = node.script(script, args, input);
    assert.strictEqual(second.code, 0, `${script} second run failed: ${second.stderr}`);
    assert.strictEqual(node.snapshot(), before, `${script}: second run changed files`);
    return { first: first.stdout, second: second.stdout };
  }

  // Disk space as the node-side scripts count it: free bytes from df, a file in whole blocks.
  const freeBytes = (dir: string) =>
    Number(node.must(`df -B1 --output=avail ${dir} | tail -n 1`).trim());
  const blockOf = (dir: string) => Number(node.must(`stat -f -c %S ${dir}`).trim());
  const inBlocks = (bytes: number, block: number) => Math.ceil(bytes / block) * block;
  const noRoom = (script: string, dir: string, free: number, need: number, what: string) =>
    `${script}: error: ${NODE}: ${dir} has ${free} bytes free, ${what} needs ${need}: ` +
    `free at least ${need - free} bytes under /etc/kubernetes on ${NODE} and run pulumi up again`;
  /** Fills the filesystem holding dir until `left` bytes are free. */
  const fillUntil = (dir: string, left: number) =>
    node.must(
      `head -c $(( $(df -B1 --output=avail ${dir} | tail -n 1) - ${left} )) /dev/zero > ${dir}/filler`,
    );

  before(async () => {
    await node.start();
    // The node as AKS Engine left it: the old PKI in place, etcd serving with it.
    node.must(makePkiScript("/var/tmp/old", "old-ca"));
    node.must(makePkiScript("/var/tmp/new", "new-ca"));
    const install = MASTER_FILES.map(
      ([f, mode, owner]) =>
        `install -D -m ${mode} -o ${owner.split(":")[0]} -g ${owner.split(":")[1]} /var/tmp/old/${f} ${CERTS}/${f}`,
    ).join("\n");
    node.must(`set -e
      useradd -m -s /bin/bash azureuser
      ${install}
      install -D -m 0644 /dev/stdin /var/lib/kubelet/kubeconfig <<< "kubelet kubeconfig (file references)"
      install -D -m 0600 -o azureuser -g azureuser /dev/stdin ${ADMIN_KUBECONFIG} <<< "old admin kubeconfig"
      printf 'DAEMON_ARGS="%s"\\n' "${ETCD_DEFAULTS}" > /etc/default/etcd`);
    startEtcd();
    node.must(
      "for i in $(seq 50); do [ -s /var/lib/etcd/sandbox/member/snap/db ] && break; sleep 0.1; done",
    );

    const lines: string[] = [];
    for (const [f, mode, owner] of MASTER_FILES) {
      const content = node.must(`cat /var/tmp/new/${f}`);
      newContent.set(`${CERTS}/${f}`, content);
      lines.push(bundleLine(`${CERTS}/${f}`, mode, owner, content));
    }
    newContent.set(ADMIN_KUBECONFIG, "new admin kubeconfig\n");
    lines.push(
      bundleLine(ADMIN_KUBECONFIG, "0600", "azureuser:azureuser", "new admin kubeconfig\n"),
    );
    bundle = lines.join("\n") + "\n";
  });

  after(() => {
    stopEtcd();
    node.stop();
  });

  describe("preflight.sh", () => {
    const expected = MASTER_FILES.map(([f]) => `${CERTS}/${f}`);

    it("passes on a healthy master and changes nothing", () => {
      const { first, second } = twice("preflight.sh", [NODE, "master", ...expected]);
      assert.match(first, /k8s-master-12345678-0 \(master\) ready for rotation/);
      assert.strictEqual(second, first);
    });

    it("refuses another node's address, a missing file and a wrong role, one line each", () => {
      const before = node.snapshot();
      const res = node.script("preflight.sh", [
        "k8s-master-12345678-1",
        "agent",
        `${CERTS}/nope.crt`,
      ]);
      assert.strictEqual(res.code, 1);
      assert.match(
        res.stderr,
        /hostname is 'k8s-master-12345678-0', expected 'k8s-master-12345678-1'/,
      );
      assert.match(
        res.stderr,
        /expected file \/etc\/kubernetes\/certs\/nope.crt is missing or empty/,
      );
      assert.match(res.stderr, /\/etc\/default\/etcd exists: this node looks like a master/);
      assert.strictEqual(node.snapshot(), before);
    });

    describe("--ca-sha256: the node's CA against apimodel.json's and the new one", () => {
      // SHA-256 of the DER, lowercase hex, computed here without openssl (the script uses it).
      const fp = (pem: string) =>
        new X509Certificate(pem).fingerprint256.replace(/:/g, "").toLowerCase();
      let oldCa = "";
      let newCa = "";
      before(() => {
        oldCa = fp(node.must("cat /var/tmp/old/ca.crt"));
        newCa = fp(node.must("cat /var/tmp/new/ca.crt"));
      });
      it("passes when ca.crt is apimodel.json's CA, and changes nothing", () => {
        const { first } = twice("preflight.sh", [
          "--ca-sha256",
          `${oldCa},${newCa}`,
          NODE,
          "master",
          ...expected,
        ]);
        assert.match(first, /ready for rotation/);
      });

      // The sandbox's etcd serves with the old CA, so etcdctl would fail with another ca.crt:
      // these run as on an agent (no /etc/default/etcd), which checks the CA alone.
      function asAgentWithCa(caPem: string, list: string) {
        node.must(
          `cp -p ${CERTS}/ca.crt /var/tmp/ca.crt.kept && mv /etc/default/etcd /var/tmp/etcd.kept`,
        );
        try {
          node.must(`cat > ${CERTS}/ca.crt`, caPem);
          return node.script("preflight.sh", ["--ca-sha256", list, NODE, "agent", ...expected]);
        } finally {
          node.must(
            `cp -p /var/tmp/ca.crt.kept ${CERTS}/ca.crt && mv /var/tmp/etcd.kept /etc/default/etcd`,
          );
        }
      }

      it("passes when ca.crt is already the rotation's new CA (a rerun after an interruption)", () => {
        const res = asAgentWithCa(
          node.must("cat /var/tmp/new/ca.crt"),
          `${"cd".repeat(32)},${newCa}`,
        );
        assert.strictEqual(res.code, 0, res.stderr);
        assert.match(res.stdout, /ready for rotation/);
      });

      it("passes when ca.crt is a bundle with the new CA as its second certificate", () => {
        const foreign = node.must(
          "openssl req -x509 -newkey rsa:2048 -nodes -keyout /dev/null -days 2 -subj /CN=foreign 2>/dev/null",
        );
        const bundle = foreign + node.must("cat /var/tmp/new/ca.crt");
        const res = asAgentWithCa(bundle, `${oldCa},${newCa}`);
        assert.strictEqual(res.code, 0, res.stderr);
        assert.match(res.stdout, /ready for rotation/);
      });

      it("refuses a CA that is neither, with one line naming the fix, and changes nothing", () => {
        const other = "ab".repeat(32);
        const before = node.snapshot();
        const res = node.script("preflight.sh", [
          "--ca-sha256",
          `${other},${newCa}`,
          NODE,
          "master",
          ...expected,
        ]);
        assert.strictEqual(res.code, 1);
        assert.strictEqual(
          res.stderr,
          `preflight: ${NODE}: ${CERTS}/ca.crt (sha256 ${oldCa}) is not the CA of apimodel.json's ` +
            `certificateProfile (sha256 ${other}) nor the rotation's new CA: apimodel.json is not ` +
            "this cluster's current one (rotated by hand?); point config apiModel at the " +
            "apimodel.json that matches the cluster\n",
        );
        assert.strictEqual(node.snapshot(), before);
      });

      it("refuses a ca.crt with no PEM certificate in it", () => {
        const res = asAgentWithCa("not a certificate\n", `${oldCa},${newCa}`);
        assert.strictEqual(res.code, 1);
        assert.strictEqual(
          res.stderr,
          `preflight: ${NODE}: ${CERTS}/ca.crt holds no PEM certificate\n`,
        );
      });

      it("rejects a fingerprint that is not lowercase hex SHA-256, before any check", () => {
        const res = node.script("preflight.sh", ["--ca-sha256", "AB:CD", NODE, "master"]);
        assert.strictEqual(res.code, 1);
        assert.strictEqual(
          res.stderr,
          "preflight: error: --ca-sha256: 'AB:CD' is not a SHA-256 in lowercase hex\n",
        );
      });
    });

    describe("expired certificates: one line naming the first and what to do instead", () => {
      const clock =
        "\\(this node's clock: [A-Z][a-z]{2} [ 1-3]\\d \\d\\d:\\d\\d:\\d\\d \\d{4} GMT\\)";
      const instead =
        "the rotation starts only on a cluster that works with its current certificates; if " +
        "the clock is right, ";
      const doc = '(docs/rotation.md, "Expired certificates"), then run pulumi up again';
      const quote = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
      before(() => {
        // Signed by the CA the node holds (old), and a CA of the same name that expired itself.
        node.must(expiredCertScript("/var/tmp/expired", "apiserver", "/var/tmp/old"));
        node.must(expiredCertScript("/var/tmp/expired", "etcdpeer0", "/var/tmp/old"));
        node.must(expiredCertScript("/var/tmp/expired", "proxy", "/var/tmp/old"));
        node.must(expiredCertScript("/var/tmp/expired", "ca"));
      });
      /** Runs preflight with the given files of the node replaced by their expired copies. */
      function withExpired(files: readonly string[], args: readonly string[]) {
        const kept = (f: string) => `/var/tmp/kept-${f}`;
        node.must(files.map((f) => `cp -p ${CERTS}/${f} ${kept(f)}`).join(" && "));
        try {
          node.must(files.map((f) => `cat /var/tmp/expired/${f} > ${CERTS}/${f}`).join(" && "));
          const before = node.snapshot();
          const res = node.script("preflight.sh", args);
          assert.strictEqual(node.snapshot(), before, "preflight changed files");
          return res;
        } finally {
          node.must(files.map((f) => `cp -p ${kept(f)} ${CERTS}/${f}`).join(" && "));
        }
      }

      it("refuses a master whose apiserver.crt expired with that one line, not etcd's", () => {
        const res = withExpired(["apiserver.crt"], [NODE, "master", ...expected]);
        assert.strictEqual(res.code, 1);
        assert.match(
          res.stderr,
          new RegExp(
            `^preflight: ${NODE}: ${CERTS}/apiserver\\.crt expired on ${EXPIRED_ON} ${clock}: ` +
              quote(`${instead}renew the expired certificates by hand with the cluster's CA, `) +
              quote(`each keeping its key ${doc}`) +
              "\n$",
          ),
        );
      });

      it("names an expired ca.crt first, counts the rest, and does not ask etcd", () => {
        // etcdctl would fail the handshake with this ca.crt: no etcd line beside the one that says why.
        const res = withExpired(["etcdpeer0.crt", "ca.crt"], [NODE, "master", ...expected]);
        assert.strictEqual(res.code, 1);
        assert.match(
          res.stderr,
          new RegExp(
            `^preflight: ${NODE}: ${CERTS}/ca\\.crt expired on ${EXPIRED_ON} ${clock}; 1 more ` +
              "expired: " +
              quote(`${instead}renew ca.crt by hand with its own key, then every certificate `) +
              quote(`it signed, each keeping its key ${doc}`) +
              "\n$",
          ),
        );
      });

      it("refuses an agent whose client.crt expired", () => {
        node.must("mv /etc/default/etcd /var/tmp/etcd.kept");
        try {
          node.must(expiredCertScript("/var/tmp/expired", "client", "/var/tmp/old"));
          const res = withExpired(["client.crt"], [NODE, "agent", ...expected]);
          assert.strictEqual(res.code, 1);
          assert.match(
            res.stderr,
            new RegExp(`^preflight: ${NODE}: ${CERTS}/client\\.crt expired on `),
          );
        } finally {
          node.must("mv /var/tmp/etcd.kept /etc/default/etcd");
        }
      });

      it("lets through a master whose front-proxy pair alone expired: the rotation renews it", () => {
        const res = withExpired(["proxy.crt"], [NODE, "master", ...expected]);
        assert.strictEqual(res.code, 0, res.stderr);
        assert.match(res.stdout, /ready for rotation/);
      });
    });

    it("refuses when etcd does not answer", () => {
      stopEtcd();
      try {
        const res = node.script("preflight.sh", [NODE, "master", ...expected]);
        assert.strictEqual(res.code, 1);
        assert.match(res.stderr, /preflight: k8s-master-12345678-0: etcd is not healthy/);
      } finally {
        startEtcd();
      }
    });
  });

  describe("stage.sh", () => {
    it("rejects a bundle with a bad line before writing anything", () => {
      const bad = [
        bundleLine(`${CERTS}/ca.crt`, "0644", "root:root", "x"),
        bundleLine(`${CERTS}/ca.key`, "0600", "root:root", "key", "0".repeat(64)),
      ].join("\n");
      const res = node.script("stage.sh", [], bad);
      assert.strictEqual(res.code, 1);
      assert.match(
        res.stderr,
        /bundle line 2 \(\/etc\/kubernetes\/certs\/ca.key\): content sha256 is [0-9a-f]{64}, expected 0{64}/,
      );
      assert.strictEqual(node.sh("ls /etc/kubernetes/rotate-certs").stdout.trim(), "");
    });

    it("rejects paths outside the rotation's and unknown owners", () => {
      const outside = node.script(
        "stage.sh",
        [],
        bundleLine("/etc/passwd", "0644", "root:root", "x"),
      );
      assert.match(
        outside.stderr,
        /bundle line 1: \/etc\/passwd is outside the paths a rotation may write/,
      );
      const owner = node.script(
        "stage.sh",
        [],
        bundleLine(`${CERTS}/a`, "0600", "nobody2:root", "x"),
      );
      assert.match(owner.stderr, /no user 'nobody2' on this node/);
      const dots = node.script(
        "stage.sh",
        [],
        bundleLine("/etc/kubernetes/../passwd", "0644", "root:root", "x"),
      );
      assert.match(dots.stderr, /bad path/);
    });

    it("fails with one line naming the node and the bytes to free when the bundle does not fit, writing nothing; stages once there is room", () => {
      const lines = bundle.trimEnd().split("\n");
      node.must(
        `mkdir -p ${ROTATE} && mount -t tmpfs -o size=256k,mode=0700 rotate-full ${ROTATE}`,
      );
      try {
        // An earlier stage left ca.crt and its manifest; then the disk filled up.
        assert.strictEqual(node.script("stage.sh", [], lines[0] + "\n").code, 0);
        fillUntil(ROTATE, 48 * 1024);
        const before = node.snapshot([ROTATE]);
        const free = freeBytes(ROTATE);
        const block = blockOf(ROTATE);
        // The 15 files that differ from what is staged, and the new manifest, in whole blocks.
        const files = [...newContent.entries()].slice(1);
        const manifest = MASTER_FILES.map(([f, mode, owner]) => [`${CERTS}/${f}`, mode, owner])
          .concat([[ADMIN_KUBECONFIG, "0600", "azureuser:azureuser"]])
          .map(([p, mode, owner]) => `${p} ${mode} ${owner.replace(":", " ")} ${"0".repeat(64)}\n`)
          .join("");
        const need =
          files.reduce((n, [, c]) => n + inBlocks(Buffer.byteLength(c), block), 0) +
          inBlocks(manifest.length, block) +
          FREE_MARGIN;
        assert.ok(need > free, `need ${need} > free ${free}`);

        const res = node.script("stage.sh", [], bundle);
        assert.strictEqual(res.code, 1);
        assert.strictEqual(
          res.stderr.split("\n")[0],
          noRoom("stage", STAGING, free, need, "staging"),
        );
        assert.strictEqual(node.snapshot([ROTATE]), before, "stage.sh wrote under a full disk");

        node.must(`rm ${ROTATE}/filler`);
        const ok = node.script("stage.sh", [], bundle);
        assert.strictEqual(ok.code, 0, ok.stderr);
        assert.match(ok.stdout, /15 staged, 1 unchanged, manifest written \(16 files\)/);
      } finally {
        node.must(`umount ${ROTATE}`);
      }
    });

    it("removes its .tmp and fails with one line when a copy fails all the same (out of inodes)", () => {
      node.must(`mount -t tmpfs -o size=1m,nr_inodes=8,mode=0700 rotate-full ${ROTATE}`);
      try {
        const res = node.script("stage.sh", [], bundle);
        assert.strictEqual(res.code, 1);
        assert.match(
          res.stderr.split("\n")[0],
          new RegExp(
            `^stage: error: ${NODE}: writing ${STAGING}/\\S+ failed \\((cp|mkdir): [^)]*No space left on device\\); ` +
              `${STAGING} has \\d+ bytes free, staging needs \\d+: free space under /etc/kubernetes on ${NODE} and run pulumi up again$`,
          ),
        );
        assert.strictEqual(node.must(`find ${ROTATE} -name '*.tmp' -o -name manifest`), "");
      } finally {
        node.must(`umount ${ROTATE}`);
      }
    });

    it("stages every file root-only without touching the live ones, once", () => {
      const live = node.snapshot([CERTS, "/home"]);
      const { first, second } = twice("stage.sh", [], bundle);
      assert.match(first, /16 staged, 0 unchanged, manifest written \(16 files\)/);
      assert.match(second, /0 staged, 16 unchanged, manifest unchanged \(16 files\)/);
      assert.strictEqual(node.snapshot([CERTS, "/home"]), live);
      assert.strictEqual(
        node.must(
          "stat -c '%a' /etc/kubernetes/rotate-certs /etc/kubernetes/rotate-certs/certs/etc/kubernetes/certs/ca.key",
        ),
        "700\n600\n",
      );
    });
  });

  describe("backup.sh", () => {
    /** Runs body with /etc/kubernetes (or a dir in it) moved onto a tmpfs with these mount options. */
    function onTmpfs(dir: string, options: string, body: () => void): void {
      node.must(`set -e; t=$(mktemp -d /var/tmp/full.XXXXXX)
        mount -t tmpfs -o ${options},mode=$(stat -c %a ${dir}) kube-full $t; cp -a ${dir}/. $t/; mount --move $t ${dir}; rmdir $t`);
      try {
        body();
      } finally {
        node.must(`umount ${dir}`);
      }
    }
    const certsBytes = (block: number) =>
      node
        .must(
          `find ${CERTS} -printf '%y %s\\n'; stat -c 'f %s' /var/lib/kubelet/kubeconfig ${ADMIN_KUBECONFIG}`,
        )
        .trim()
        .split("\n")
        .map((l) => l.split(" "))
        .reduce((n, [type, size]) => n + (type === "f" ? inBlocks(Number(size), block) : block), 0);

    it("fails with one line naming the node and the bytes to free when certs.bak does not fit, copying nothing; backs up once there is room", () => {
      onTmpfs("/etc/kubernetes", "size=512k", () => {
        fillUntil("/etc/kubernetes", 32 * 1024);
        const before = node.snapshot(["/etc/kubernetes"]);
        const free = freeBytes("/etc/kubernetes");
        // certs/ and the two kubeconfigs: the rotation dir is on the same filesystem here.
        const need = certsBytes(blockOf("/etc/kubernetes")) + FREE_MARGIN;
        assert.ok(need > free, `need ${need} > free ${free}`);

        const res = node.script("backup.sh", ["azureuser", "r1"]);
        assert.strictEqual(res.code, 1);
        assert.strictEqual(
          res.stderr.split("\n")[0],
          noRoom("backup", "/etc/kubernetes", free, need, "the backup"),
        );
        assert.strictEqual(
          node.snapshot(["/etc/kubernetes"]),
          before,
          "backup.sh wrote under a full disk",
        );

        node.must("rm /etc/kubernetes/filler");
        const ok = node.script("backup.sh", ["azureuser", "r1"]);
        assert.strictEqual(ok.code, 0, ok.stderr);
        assert.match(
          ok.stdout,
          /backed up 15 files to \/etc\/kubernetes\/certs.bak and 2 kubeconfigs/,
        );
      });
    });

    it("checks the rotation dir too when it is a filesystem of its own, before copying anything", () => {
      onTmpfs(ROTATE, "size=256k", () => {
        fillUntil(ROTATE, 32 * 1024);
        const before = node.snapshot(["/etc/kubernetes"]);
        const free = freeBytes(ROTATE);
        const block = blockOf(ROTATE);
        const kubeconfigs = node
          .must(`stat -c %s /var/lib/kubelet/kubeconfig ${ADMIN_KUBECONFIG}`)
          .trim()
          .split("\n")
          .reduce((n, size) => n + inBlocks(Number(size), block), 0);
        const need = kubeconfigs + FREE_MARGIN;

        const res = node.script("backup.sh", ["azureuser", "r1"]);
        assert.strictEqual(res.code, 1);
        assert.strictEqual(
          res.stderr.split("\n")[0],
          noRoom("backup", ROTATE, free, need, "the backup"),
        );
        assert.strictEqual(
          node.snapshot(["/etc/kubernetes"]),
          before,
          "backup.sh wrote under a full disk",
        );
        assert.strictEqual(node.sh("test -e /etc/kubernetes/certs.bak.tmp").code, 1);
      });
    });

    it("removes the half-built backup and fails with one line when a copy fails all the same (out of inodes)", () => {
      // As many inodes as the rotation dir holds, and two more: the backup's first dirs.
      onTmpfs(ROTATE, `size=1m,nr_inodes=$(( $(find ${ROTATE} | wc -l) + 2 ))`, () => {
        // The rotation dir's own mtime changes (a dir was made and removed in it); nothing else.
        const kept = [CERTS, STAGING, `${ROTATE}/manifest`];
        const before = node.snapshot(kept);
        const res = node.script("backup.sh", ["azureuser", "r1"]);
        assert.strictEqual(res.code, 1);
        assert.match(
          res.stderr.split("\n")[0],
          new RegExp(
            `^backup: error: ${NODE}: writing ${ROTATE}/backup.tmp/\\S+ failed \\((cp|mkdir): [^)]*No space left on device\\); ` +
              `${ROTATE} has \\d+ bytes free, the backup needs \\d+: free space under /etc/kubernetes on ${NODE} and run pulumi up again$`,
          ),
        );
        assert.strictEqual(node.snapshot(kept), before);
        assert.strictEqual(
          node.must("find /etc/kubernetes -name '*.tmp' -o -name certs.bak -o -name backup"),
          "",
          "backup.sh left a half backup",
        );
      });
    });

    it("copies the current certs and kubeconfigs for the rotation, once", () => {
      const { first, second } = twice("backup.sh", ["azureuser", "r1"]);
      assert.match(
        first,
        /backed up 15 files to \/etc\/kubernetes\/certs.bak and 2 kubeconfigs to \S+ for rotation r1$/m,
      );
      assert.match(second, /certs.bak holds the certificates rotation r1 replaces; nothing to do/);
      assert.strictEqual(node.must(`cat ${BACKUP_ID}`), "r1\n");
      assert.strictEqual(
        node.must("sha256sum < /etc/kubernetes/certs.bak/ca.key"),
        node.must("sha256sum < /var/tmp/old/ca.key"),
      );
      assert.strictEqual(
        node.must("stat -c '%a %U' /etc/kubernetes/certs.bak/etcdpeer0.key"),
        "600 etcd\n",
      );
    });
  });

  describe("install.sh, then the etcd health gate", () => {
    it("installs the etcd set with AKS Engine's modes and owners, once", () => {
      const { first, second } = twice("install.sh", ETCD_FILES);
      assert.match(first, /7 installed, 0 unchanged/);
      assert.match(second, /0 installed, 7 unchanged/);
      assert.strictEqual(
        node.must(
          `stat -c '%n %a %U:%G' ${CERTS}/etcdserver.key ${CERTS}/etcdpeer0.crt ${CERTS}/etcdclient.key`,
        ),
        `${CERTS}/etcdserver.key 600 etcd:etcd\n${CERTS}/etcdpeer0.crt 644 etcd:etcd\n${CERTS}/etcdclient.key 600 root:root\n`,
      );
      for (const f of ETCD_FILES) {
        assert.strictEqual(node.must(`sha256sum < ${f}`).split(" ")[0], sha256(newContent.get(f)!));
      }
    });

    it("refuses a path that was not staged", () => {
      const res = node.script("install.sh", [`${CERTS}/kubeletserver.crt`]);
      assert.strictEqual(res.code, 1);
      assert.match(
        res.stderr,
        /\/etc\/kubernetes\/certs\/kubeletserver.crt is not in the staged bundle/,
      );
    });

    it("passes the health gate once etcd runs with the new files", () => {
      stopEtcd(); // the lab's nodes do this with systemctl (restart-etcd.sh)
      startEtcd();
      const { first } = twice("wait-etcd-healthy.sh", ["30"]);
      assert.match(first, /etcd healthy: 1 members/);
    });

    it("fails the health gate after its timeout when etcd cannot serve", () => {
      stopEtcd();
      try {
        const res = node.script("wait-etcd-healthy.sh", ["3"]);
        assert.strictEqual(res.code, 1);
        assert.match(res.stderr, /etcd not healthy after 3s/);
      } finally {
        startEtcd();
      }
    });
  });

  describe("verify.sh", () => {
    it("lists files not yet installed as mismatches and fails", () => {
      const res = node.script("verify.sh");
      assert.strictEqual(res.code, 1);
      assert.match(res.stdout, /ok {7}\/etc\/kubernetes\/certs\/etcdserver.key/);
      assert.match(
        res.stdout,
        /MISMATCH \/etc\/kubernetes\/certs\/apiserver.key expected 600 root:root/,
      );
      assert.match(res.stderr, /9 of 16 files do not match the rotation/);
    });
  });

  describe("frontproxy.sh", () => {
    it("publishes the staged front-proxy pair under /proxycerts as AKS Engine does, once", () => {
      const { first, second } = twice("frontproxy.sh");
      assert.match(first, /3 written, 0 unchanged/);
      assert.match(second, /0 written, 3 unchanged/);
      const value = node.must(
        `. /etc/default/etcd >/dev/null; ETCDCTL_API=3 etcdctl --cacert=${CERTS}/ca.crt --cert=${CERTS}/etcdclient.crt ` +
          `--key=${CERTS}/etcdclient.key --endpoints=https://127.0.0.1:2379 get /proxycerts/proxy-client-cert-file --print-value-only`,
      );
      // AKS Engine's reader strips the first line's leading space.
      assert.strictEqual(
        value.replace(/^\s/, "").trim(),
        newContent.get(`${CERTS}/proxy.crt`)!.trim(),
      );
    });
  });

  describe("install.sh for the rest, verify.sh, rollback.sh", () => {
    it("installs the rest, then verify.sh passes for every staged file", () => {
      const rest = [...newContent.keys()].filter((p) => !ETCD_FILES.includes(p));
      const { first } = twice("install.sh", rest);
      assert.match(first, /9 installed, 0 unchanged/);
      assert.strictEqual(node.must(`stat -c '%a %U' ${ADMIN_KUBECONFIG}`), "600 azureuser\n");
      const { first: v } = twice("verify.sh");
      assert.match(v, /16 files match/);
    });

    it("keeps the backup of the same rotation after the install", () => {
      const res = node.script("backup.sh", ["azureuser", "r1"]);
      assert.match(res.stdout, /rotation r1 replaces; nothing to do/);
      assert.strictEqual(
        node.must("sha256sum < /etc/kubernetes/certs.bak/apiserver.key"),
        node.must("sha256sum < /var/tmp/old/apiserver.key"),
      );
    });

    it("rollback.sh check refuses a path the backup lacks, and touches nothing", () => {
      const missing = node.script("rollback.sh", ["check", `${CERTS}/ca.crt`, `${CERTS}/nope.crt`]);
      assert.notStrictEqual(missing.code, 0);
      assert.match(missing.stderr, /no backup copy of: \/etc\/kubernetes\/certs\/nope.crt/);
      const { first } = twice("rollback.sh", ["check", ...newContent.keys()]);
      assert.match(first, /backup holds all 16 files/);
      const differ = node.script("rollback.sh", ["verify", ...ETCD_FILES]);
      assert.notStrictEqual(differ.code, 0);
      assert.match(differ.stderr, /7 of 7 files differ from the backup/);
    });

    it("rollback.sh restores one phase's files alone, then the rest, with their modes and owners, once", () => {
      const etcd = twice("rollback.sh", ["restore", ...ETCD_FILES]);
      assert.match(etcd.first, /7 restored, 0 unchanged/);
      assert.match(etcd.second, /0 restored, 7 unchanged/);
      assert.match(
        twice("rollback.sh", ["verify", ...ETCD_FILES]).first,
        /7 files equal the backup/,
      );
      assert.strictEqual(node.script("rollback.sh", ["verify"]).code, 1, "the rest still differs");
      assert.strictEqual(node.must(`cat ${ADMIN_KUBECONFIG}`), "new admin kubeconfig\n");

      const { first, second } = twice("rollback.sh");
      assert.match(first, /9 restored, 8 unchanged/);
      assert.match(second, /0 restored, 17 unchanged/);
      assert.match(twice("rollback.sh", ["verify"]).first, /17 files equal the backup/);
      for (const [f] of MASTER_FILES) {
        assert.strictEqual(
          node.must(`sha256sum < ${CERTS}/${f}`),
          node.must(`sha256sum < /var/tmp/old/${f}`),
          f,
        );
      }
      assert.strictEqual(node.must(`cat ${ADMIN_KUBECONFIG}`), "old admin kubeconfig\n");
      assert.strictEqual(node.must(`stat -c '%a %U:%G' ${CERTS}/etcdpeer0.key`), "600 etcd:etcd\n");
    });

    it("frontproxy.sh --installed puts the restored pair back under /proxycerts once etcd runs with the old trust", () => {
      stopEtcd();
      startEtcd();
      assert.strictEqual(node.script("wait-etcd-healthy.sh", ["30"]).code, 0);
      const { first, second } = twice("frontproxy.sh", ["--installed"]);
      assert.match(first, /3 written, 0 unchanged/);
      assert.match(second, /0 written, 3 unchanged/);
      const value = node.must(
        `ETCDCTL_API=3 etcdctl --cacert=${CERTS}/ca.crt --cert=${CERTS}/etcdclient.crt ` +
          `--key=${CERTS}/etcdclient.key --endpoints=https://127.0.0.1:2379 get /proxycerts/proxy-client-cert-file --print-value-only`,
      );
      assert.strictEqual(
        value.replace(/^\s/, "").trim(),
        node.must("cat /var/tmp/old/proxy.crt").trim(),
      );
    });
  });
  describe("backup.sh re-arms per rotation; cleanup.sh", () => {
    const sums = (dir: string) =>
      node.must(`cd ${dir} && sha256sum ${MASTER_FILES.map(([f]) => f).join(" ")}`);
    const allPaths = () => [...newContent.keys()];
    let newerBundle = "";

    before(() => {
      // Rotation r1 completed: its files in place (the rollback tests put the old ones back).
      assert.strictEqual(node.script("install.sh", allPaths()).code, 0);
      node.must(makePkiScript("/var/tmp/newer", "newer-ca"));
      const lines = MASTER_FILES.map(([f, mode, owner]) =>
        bundleLine(`${CERTS}/${f}`, mode, owner, node.must(`cat /var/tmp/newer/${f}`)),
      );
      lines.push(
        bundleLine(ADMIN_KUBECONFIG, "0600", "azureuser:azureuser", "newer admin kubeconfig\n"),
      );
      newerBundle = lines.join("\n") + "\n";
    });

    it("cleanup.sh staging removes the staged copies once; verify.sh still checks the files", () => {
      const { first, second } = twice("cleanup.sh", ["staging"]);
      assert.match(first, new RegExp(`removing ${STAGING} \\(16 files\\)`));
      assert.match(second, /nothing staged; nothing to do/);
      assert.strictEqual(node.sh(`test -e ${STAGING}`).code, 1);
      assert.match(node.must("ls /etc/kubernetes/rotate-certs"), /manifest/);
      assert.match(twice("verify.sh").first, /16 files match/);
      assert.strictEqual(node.sh("grep -rl 'PRIVATE KEY' /etc/kubernetes/rotate-certs").stdout, "");
    });

    it("re-takes the backup for a new rotation from the files it replaces, once", () => {
      assert.strictEqual(node.script("stage.sh", [], newerBundle).code, 0);
      const { first, second } = twice("backup.sh", ["azureuser", "r2"]);
      assert.match(first, /for rotation r2 \(replacing the backup of rotation r1\)$/m);
      assert.match(second, /rotation r2 replaces; nothing to do/);
      // The backup is rotation r1's set now: a rollback goes back one rotation, not two.
      assert.strictEqual(sums("/etc/kubernetes/certs.bak"), sums("/var/tmp/new"));
      assert.strictEqual(
        node.must(`cat /etc/kubernetes/rotate-certs/backup${ADMIN_KUBECONFIG}`),
        "new admin kubeconfig\n",
      );
      assert.strictEqual(node.must(`cat ${BACKUP_ID}`), "r2\n");
    });

    it("never re-takes it from files of the rotation already installed (an interrupted rerun)", () => {
      assert.strictEqual(node.script("install.sh", ETCD_FILES).code, 0);
      // A backup without an id (an older version's) would otherwise be re-taken: it is claimed.
      node.must(`rm ${BACKUP_ID}`);
      const res = node.script("backup.sh", ["azureuser", "r2"]);
      assert.strictEqual(res.code, 0, res.stderr);
      assert.match(
        res.stdout,
        /kept \/etc\/kubernetes\/certs.bak \(rotation unrecorded\) for rotation r2: 7 of its files are installed already/,
      );
      assert.strictEqual(sums("/etc/kubernetes/certs.bak"), sums("/var/tmp/new"));
      assert.strictEqual(node.must(`cat ${BACKUP_ID}`), "r2\n");
    });

    it("rolls back one rotation: to rotation r1's files", () => {
      assert.strictEqual(node.script("install.sh", allPaths()).code, 0);
      assert.match(node.must(`cat ${ADMIN_KUBECONFIG}`), /newer admin kubeconfig/);
      assert.match(twice("rollback.sh").first, /16 restored, 1 unchanged/);
      assert.strictEqual(sums(CERTS), sums("/var/tmp/new"));
      assert.strictEqual(node.must(`cat ${ADMIN_KUBECONFIG}`), "new admin kubeconfig\n");
    });

    it("cleanup.sh backup removes the backup and what is staged, once; then no rollback, no new backup", () => {
      assert.strictEqual(node.script("install.sh", allPaths()).code, 0);
      const { first, second } = twice("cleanup.sh", ["backup", "r2"]);
      assert.match(first, new RegExp(`removing ${STAGING} \\(16 files\\)`));
      assert.match(first, /removing \/etc\/kubernetes\/certs.bak \(15 files\)/);
      assert.match(first, /removing \/etc\/kubernetes\/rotate-certs\/backup \(2 files\)/);
      assert.match(first, /rotation r2 finalized: no backup left on this node/);
      assert.match(second, /rotation r2 is finalized already; nothing to do/);
      assert.strictEqual(
        node.must("ls /etc/kubernetes/rotate-certs; ls -d /etc/kubernetes/certs.bak 2>&1 || true"),
        "finalized-rotation-id\nmanifest\nls: cannot access '/etc/kubernetes/certs.bak': No such file or directory\n",
      );
      const check = node.script("rollback.sh", ["check", `${CERTS}/ca.crt`]);
      assert.strictEqual(check.code, 1);
      assert.match(check.stderr, /rotation r2 was finalized, there is nothing to roll back to/);
      const again = twice("backup.sh", ["azureuser", "r2"]);
      assert.match(again.first, /no backup, and 16 files of rotation r2 are installed already/);
      assert.strictEqual(node.sh("test -e /etc/kubernetes/certs.bak").code, 1);
    });

    it("cleanup.sh refuses a bad mode or rotation id", () => {
      assert.match(node.script("cleanup.sh", ["all"]).stderr, /usage: cleanup.sh staging/);
      assert.match(node.script("cleanup.sh", ["backup", "a b"]).stderr, /bad rotation id 'a b'/);
    });
  });
});
