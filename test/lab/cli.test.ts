// Bad input to `npm run lab` is refused with a clear message before anything is touched.
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import { lab, run } from "./run";
import { stateDir } from "./fixture";

async function hostSnapshot(): Promise<string> {
  const links = await run("ip", ["-o", "link", "show"]);
  const state = fs.existsSync(stateDir) ? fs.readdirSync(stateDir).sort().join(",") : "(none)";
  return `${links.stdout.replace(/\s+state \S+.*$/gm, "")}\n${state}`;
}

describe("lab command line", function () {
  const cases: ReadonlyArray<[string[], RegExp]> = [
    [["up", "--masters", "2"], /--masters must be 1, 3 or 5 \(got '2'\)/],
    [["up", "--agents", "0"], /--agents must be a whole number from 1 to 50 \(got '0'\)/],
    [["up", "--agents", "x"], /--agents must be a whole number from 1 to 50 \(got 'x'\)/],
    [["up", "--key-bits", "1024"], /--key-bits must be 2048, 3072 or 4096 \(got '1024'\)/],
    [["up", "--name-suffix", "abc"], /--name-suffix must be 8 digits \(got 'abc'\)/],
    [["up", "--scale-set-instances", "5,2"], /distinct ids in ascending order \(got '5,2'\)/],
    [["up", "--scale-set-instances", "0,08"], /instance ids 0-999 separated by commas/],
    [
      ["up", "--agents", "48", "--scale-set-instances", "0,1,2"],
      /--agents plus the scale-set instances must be at most 50 \(got 51\)/,
    ],
    [["up", "--masters"], /option --masters needs a value/],
    [["up", "--bogus"], /unknown option for up: --bogus/],
    [["up", "--name", "aks-lab2"], /--name aks-lab2 needs --vnet: a cluster beside aks-lab/],
    [["up", "--name", "Lab_2", "--vnet", "10.241.0.0/16"], /--name must be a dnsPrefix/],
    [["up", "--vnet", "10.241.0.0/24"], /--vnet must be a \/16 network such as 10.241.0.0\/16/],
    [["up", "--cert-days", "0"], /--cert-days must be a whole number from 1 to 10950 \(got '0'\)/],
    [["down", "now"], /down takes no options/],
    [["status", "--name"], /status takes no options but --name DNS_PREFIX/],
    [["reboot"], /unknown command 'reboot'/],
    [[], /missing command/],
  ];
  for (const [args, message] of cases) {
    it(`refuses '${args.join(" ")}' with exit 2 and touches nothing`, async () => {
      const before = await hostSnapshot();
      const r = await lab(args);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, message);
      assert.match(r.stderr, /usage: npm run lab/);
      assert.equal(await hostSnapshot(), before);
    });
  }

  it("prints its usage on --help", async () => {
    const r = await lab(["up", "--help"]);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /--key-bits BITS/);
  });
});
