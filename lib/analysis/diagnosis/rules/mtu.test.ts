/**
 * The overlay arithmetic on real ip link outputs of tunnels over an IPv6 underlay (recorded by
 * scripts/record/vxlan6-outputs.sh in namespaces): the kernel itself gives a VXLAN device over a 1500-byte IPv6
 * link MTU 1430 (70 bytes of outer headers) and one over IPv4 1450 (50); flannel's IPv6 device set to 1450,
 * the IPv4 arithmetic, is 20 bytes too big.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { evidenceFromTexts } from "../../evidence";
import { recorded } from "../../evidence/testdata/paths";
import { diagnose } from "../diagnose";
import { ipv6Underlay, overheadOf } from "./mtu";

const file = (name: string) => ({ path: name, text: readFileSync(recorded("extra", name), "utf8") });

describe("VXLAN over an IPv6 underlay", () => {
  it("ip -d link and ip -j -d link: the ends' family sets the overhead (70 over IPv6, 50 over IPv4)", () => {
    for (const name of ["ip-d-link-vxlan6.txt", "ip-j-d-link-vxlan6.json"]) {
      const h = evidenceFromTexts("node", [file(name)]);
      const dev = (n: string) => h.interfaces.find((i) => i.name === n)!;
      expect(dev("vxlan6").vxlan, name).toMatchObject({ local: "fd38::1", remote: "fd38::2", dev: "veth0" });
      expect(dev("vxlan4").vxlan, name).toMatchObject({ local: "10.238.0.1", remote: "10.238.0.2" });
      expect([ipv6Underlay(dev("vxlan6")), ipv6Underlay(dev("flannel-v6.1")), ipv6Underlay(dev("vxlan4"))], name).toEqual([true, true, false]);
      // what the kernel chose for the devices whose MTU it was left to: exactly the link's 1500 minus the overhead
      expect(dev("veth0").mtu - overheadOf(dev("vxlan6")).overhead).toBe(dev("vxlan6").mtu);
      expect(dev("veth0").mtu - overheadOf(dev("vxlan4")).overhead).toBe(dev("vxlan4").mtu);
    }
  });

  it("flannel-v6.1 at 1450 over the 1500 IPv6 link is named (20 bytes too many); the kernel's own 1430 and 1450 are not", () => {
    for (const files of [[file("ip-d-link-vxlan6.txt"), file("ip-6-addr-vxlan6.txt")], [file("ip-j-d-link-vxlan6.json")]]) {
      const a = diagnose({ hosts: [evidenceFromTexts("node", files)], captures: [] });
      const f = a.findings.find((x) => x.id === "overlay_mtu_mismatch");
      const facts = f?.evidence.map((e) => e.fact) ?? [];
      expect(facts.filter((t) => /^vxlan device/.test(t))).toEqual([
        "vxlan device flannel-v6.1 has MTU 1450, but its underlay veth0 (MTU 1500) leaves only 1430 after the 70-byte vxlan over IPv6 overhead: 20 bytes too many",
      ]);
      // a setting alone, nothing shows it hurt: the leading hypothesis, not a root cause
      expect(f?.basis).toBe("configuration");
      expect(a.leading?.id).toBe("overlay_mtu_mismatch");
    }
  });

  it("without -d (ip link), flannel's IPv6 device is known by its name and measured with the IPv6 overhead", () => {
    const h = evidenceFromTexts("node", [file("ip-link-vxlan6.txt")]);
    const fl = h.interfaces.find((i) => i.name === "flannel-v6.1")!;
    expect(fl.kind).toBe("vxlan");
    expect(overheadOf(fl).overhead).toBe(70);
    // the same device name-less of its ends, under an IPv4 name, stays at 50
    expect(overheadOf({ ...fl, name: "flannel.1" }).overhead).toBe(50);
  });
});
