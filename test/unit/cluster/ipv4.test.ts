import assert from "node:assert/strict";
import {
  addIpv4,
  addToLastOctet,
  formatIpv4,
  isNetworkAddress,
  parseCidr,
  parseIpv4,
} from "../../../components/cluster/ipv4";

describe("IPv4 arithmetic (AKS Engine's)", () => {
  const ip = (s: string): number => parseIpv4(s)!;

  it("parses dotted quads and rejects anything else", () => {
    assert.equal(formatIpv4(ip("10.240.255.5")), "10.240.255.5");
    for (const bad of [
      "10.240.255",
      "10.240.255.256",
      "10.240.255.05",
      "a.b.c.d",
      "1.2.3.4.5",
      "",
    ]) {
      assert.equal(parseIpv4(bad), undefined, bad);
    }
  });

  it("places master i at first + i, carrying into the next octet", () => {
    assert.equal(formatIpv4(addIpv4(ip("10.240.255.5"), 2)), "10.240.255.7");
    assert.equal(formatIpv4(addIpv4(ip("10.240.255.255"), 1)), "10.241.0.0");
  });

  it("puts the internal load balancer at last octet + 10, wrapping without carry", () => {
    assert.equal(formatIpv4(addToLastOctet(ip("10.240.255.5"), 10)), "10.240.255.15");
    assert.equal(formatIpv4(addToLastOctet(ip("10.240.255.250"), 10)), "10.240.255.4");
  });

  it("reads CIDRs and tells network addresses from host addresses", () => {
    assert.deepEqual(parseCidr("10.0.0.0/16"), { address: ip("10.0.0.0"), prefix: 16 });
    assert.equal(parseCidr("10.0.0.0/33"), undefined);
    assert.equal(parseCidr("10.0.0.0"), undefined);
    assert.equal(isNetworkAddress(parseCidr("10.0.0.0/16")!), true);
    assert.equal(isNetworkAddress(parseCidr("10.0.5.0/16")!), false);
  });
});
