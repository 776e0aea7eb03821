// Probes of the lab cluster from the operator's machine: files on nodes (content, mode, owner,
// certificate fingerprint, public key), the API server (served certificate, who it accepts),
// etcd (who it accepts, what it holds). Each answers with facts; the tests judge them.
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as tls from "node:tls";
import { rootScript } from "./lab";
import { run, type RunResult } from "../../support/proc";

export interface FileFacts {
  readonly path: string;
  readonly mode: string;
  readonly owner: string;
  readonly sha256: string;
  /** SHA-256 fingerprint as openssl prints it (AB:CD:…), certificates only. */
  readonly fingerprint?: string;
  /** sha256 of the public key (SPKI PEM): a key file and its certificate share it. */
  readonly publicKey: string;
}

/** Facts about certificate and key files on a node; a missing file is absent from the map. */
export async function fileFacts(
  node: string,
  paths: readonly string[],
): Promise<Map<string, FileFacts>> {
  const script = `set -u
for f in ${paths.join(" ")}; do
  [ -f "$f" ] || continue
  st=$(stat -c '%a %U:%G' "$f")
  sha=$(sha256sum <"$f" | cut -d' ' -f1)
  case $f in
    *.crt) fp=$(openssl x509 -in "$f" -noout -fingerprint -sha256 | cut -d= -f2)
           pk=$(openssl x509 -in "$f" -noout -pubkey | sha256sum | cut -d' ' -f1) ;;
    *) fp=- ; pk=$(openssl pkey -in "$f" -pubout | sha256sum | cut -d' ' -f1) ;;
  esac
  echo "$f $st $sha $fp $pk"
done`;
  const out = await rootScript(node, script);
  const facts = new Map<string, FileFacts>();
  for (const line of out.trim().split("\n").filter(Boolean)) {
    const [p, mode, owner, sha256, fp, publicKey] = line.split(" ");
    facts.set(p, {
      path: p,
      mode,
      owner,
      sha256,
      fingerprint: fp === "-" ? undefined : fp,
      publicKey,
    });
  }
  return facts;
}

/**
 * One digest line per file under everything a rotation may write on a node (certificates,
 * kubeconfigs, etcd flags, the rotation's own staging dir), with mode and owner: equal listings
 * mean nothing changed.
 */
export async function nodeFilesListing(node: string, adminUser: string): Promise<string> {
  const script = `set -u
find /etc/kubernetes /etc/default/etcd /var/lib/kubelet/kubeconfig /var/lib/kubelet/pki \\
  /home/${adminUser}/.kube -type f -print0 2>/dev/null | sort -z |
  while IFS= read -r -d '' f; do
    printf '%s %s %s\\n' "$(sha256sum <"$f" | cut -d' ' -f1)" "$(stat -c '%a %U:%G' "$f")" "$f"
  done
find /etc/kubernetes -type d | sort`;
  return rootScript(node, script);
}

/** A file's content from a node (certificates, or key material into a private temp dir). */
export async function readNodeFile(node: string, file: string): Promise<string> {
  return rootScript(node, `cat ${file}`);
}

/** The certificate the server at ip:port presents, as an SHA-256 fingerprint (AB:CD:…). */
export function servedFingerprint(ip: string, port = 443): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect(
      { host: ip, port, rejectUnauthorized: false, timeout: 10_000 },
      () => {
        const fp = socket.getPeerCertificate().fingerprint256;
        socket.end();
        resolve(fp);
      },
    );
    socket.on("error", reject);
    socket.on("timeout", () => {
      socket.destroy();
      reject(new Error(`TLS to ${ip}:${port} timed out`));
    });
  });
}

export function fingerprintOf(pem: string): string {
  return new crypto.X509Certificate(pem).fingerprint256;
}

/** A private temp dir (0700) for credentials the tests use; removed by `cleanup`. */
export function privateDir(prefix: string): { dir: string; cleanup: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  fs.chmodSync(dir, 0o700);
  return { dir, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/** kubectl with a kubeconfig, at a given API server address (the FQDN does not resolve here). */
export function kubectl(
  kubeconfig: string,
  server: string,
  args: readonly string[],
): Promise<RunResult> {
  return run(
    "kubectl",
    ["--kubeconfig", kubeconfig, "--server", server, "--request-timeout=15s", ...args],
    {
      timeoutMs: 60_000,
    },
  );
}

/** kubectl with a bearer token (no client certificate), trusting the given CA file. */
export function kubectlToken(
  caFile: string,
  server: string,
  token: string,
  args: readonly string[],
): Promise<RunResult> {
  return run(
    "kubectl",
    [
      "--kubeconfig",
      "/dev/null",
      "--server",
      server,
      "--certificate-authority",
      caFile,
      "--token",
      token,
      "--request-timeout=15s",
      ...args,
    ],
    { timeoutMs: 60_000 },
  );
}

export interface EtcdCredentials {
  readonly ca: string;
  readonly cert: string;
  readonly key: string;
}

/** etcdctl (v3) from the host against one member, with the given trust and identity files. */
export function etcdctl(
  endpoint: string,
  creds: EtcdCredentials,
  args: readonly string[],
): Promise<RunResult> {
  return run(
    "etcdctl",
    [
      "--endpoints",
      endpoint,
      "--cacert",
      creds.ca,
      "--cert",
      creds.cert,
      "--key",
      creds.key,
      "--dial-timeout=5s",
      "--command-timeout=10s",
      ...args,
    ],
    { env: { ETCDCTL_API: "3" }, timeoutMs: 60_000 },
  );
}
