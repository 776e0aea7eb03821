// A certificate that has already expired, for the "cluster whose certificates expired" cases.
// `openssl x509 -days` cannot back-date, so openssl 3.0's `ca` signs with explicit start and end
// dates, from a throw-away config and database in the same dir. Shared by the script tests (in a
// sandbox or a plain dir) and the e2e bad-input row (signed by the lab's CA).

/** When every certificate made here expired: 1 January 2020, as openssl prints it. */
export const EXPIRED_ON = "Jan  1 00:00:00 2020 GMT";
const START = "190101000000Z";
const END = "200101000000Z";

const CONFIG = `[ ca ]
default_ca = expired
[ expired ]
database = index.txt
new_certs_dir = .
rand_serial = yes
unique_subject = no
default_md = sha256
policy = any
[ any ]
commonName = supplied
[ ca_ext ]
basicConstraints = critical,CA:TRUE
keyUsage = critical,digitalSignature,keyEncipherment,keyCertSign
`;

/**
 * A bash snippet that writes `<dir>/<name>.crt` (CN=<name>, expired on EXPIRED_ON) and its key
 * `<dir>/<name>.key`: self-signed as a CA when `caDir` is undefined, else signed by
 * `<caDir>/ca.crt` with `<caDir>/ca.key`. Leaves nothing else behind in `dir`.
 */
export function expiredCertScript(dir: string, name: string, caDir?: string): string {
  const signer =
    caDir === undefined
      ? `-selfsign -keyfile "$d/${name}.key" -extensions ca_ext`
      : `-cert "${caDir}/ca.crt" -keyfile "${caDir}/ca.key"`;
  return `
set -euo pipefail
d=${dir}
mkdir -p "$d"
w=$(mktemp -d -p "$d")
printf '%s' '${CONFIG}' > "$w/ca.cnf"
touch "$w/index.txt"
openssl req -new -newkey rsa:2048 -nodes -keyout "$d/${name}.key" -out "$w/${name}.csr" -subj "/CN=${name}" 2>/dev/null
(cd "$w" && openssl ca -batch -notext -config ca.cnf ${signer} -in "${name}.csr" -out "$d/${name}.crt" -startdate ${START} -enddate ${END} 2>/dev/null)
rm -rf "$w"
`;
}
