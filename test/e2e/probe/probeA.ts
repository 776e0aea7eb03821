// Probe A (issue 15): the API as an outside client sees it through the internal load balancer.
// 5 requests/s, each on a fresh TCP+TLS connection, alternating an etcd-backed GET and a PATCH
// of one ConfigMap; a request may retry up to 3 times within 5 s. Every attempt is one JSON line
// (time, request, attempt, status or error, the served certificate's issuer fingerprint). The CA
// bundle is re-read for every attempt, so the driver can add the new CA once it exists.
// Authenticates with a bootstrap token (in etcd, not tied to the CA or the service-account key).
//
// usage: tsx test/e2e/probe/probeA.ts <server https://host:port> <ca bundle file> <token file>
//        <out .jsonl>   (runs until SIGTERM)
import * as fs from "node:fs";
import * as https from "node:https";
import type { TLSSocket } from "node:tls";

export interface Attempt {
  readonly t: number;
  readonly req: number;
  readonly attempt: number;
  readonly op: "get" | "patch";
  readonly ok: boolean;
  readonly status?: number;
  readonly err?: string;
  readonly issuer?: string;
  readonly ms: number;
}

const PATH = "/api/v1/namespaces/default/configmaps/probe-a";
const RETRIES = 3;
const WINDOW_MS = 5000;

function once(server: URL, ca: string, token: string, op: "get" | "patch", n: number) {
  return new Promise<Omit<Attempt, "t" | "req" | "attempt" | "op" | "ms">>((resolve) => {
    const body = JSON.stringify({ data: { n: String(n) } });
    const req = https.request(
      {
        host: server.hostname,
        port: server.port || 443,
        path: PATH,
        method: op === "get" ? "GET" : "PATCH",
        agent: false,
        ca,
        timeout: 2000,
        headers: {
          authorization: `Bearer ${token}`,
          ...(op === "patch"
            ? { "content-type": "application/merge-patch+json", "content-length": body.length }
            : {}),
        },
      },
      (res) => {
        const peer = (res.socket as TLSSocket).getPeerCertificate(true);
        const issuer = peer?.issuerCertificate?.fingerprint256;
        res.resume();
        res.on("end", () => {
          const status = res.statusCode ?? 0;
          resolve({ ok: status >= 200 && status < 300, status, issuer });
        });
      },
    );
    req.on("timeout", () => req.destroy(new Error("timeout")));
    req.on("error", (e: NodeJS.ErrnoException) => resolve({ ok: false, err: e.code ?? e.message }));
    if (op === "patch") req.write(body);
    req.end();
  });
}

async function request(server: URL, files: { ca: string; token: string }, n: number, out: number) {
  const op = n % 2 === 0 ? "get" : "patch";
  const start = Date.now();
  for (let attempt = 0; attempt <= RETRIES; attempt++) {
    const t0 = Date.now();
    const ca = fs.readFileSync(files.ca, "utf8");
    const token = fs.readFileSync(files.token, "utf8").trim();
    const r = await once(server, ca, token, op, n);
    const line: Attempt = { t: t0 / 1000, req: n, attempt, op, ms: Date.now() - t0, ...r };
    fs.writeSync(out, JSON.stringify(line) + "\n");
    if (r.ok || Date.now() - start > WINDOW_MS - 500) return;
    await new Promise((r) => setTimeout(r, 300));
  }
}

function main(argv: string[]) {
  const [server, ca, token, outFile] = argv;
  const out = fs.openSync(outFile, "a");
  let n = 0;
  const timer = setInterval(() => void request(new URL(server), { ca, token }, n++, out), 200);
  const stop = () => {
    clearInterval(timer);
    setTimeout(() => process.exit(0), 5500);
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}

if (require.main === module) main(process.argv.slice(2));
