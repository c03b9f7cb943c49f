/**
 * A real sosreport tree (testdata/sosreport, recorded by the accept-queue lab scenario with Debian's sos 4.0,
 * trimmed): one host named from the tree's folder, the kernel from uname -a (not a module's bare version),
 * netstat -s and sos's /proc/<pid>/net/netstat copy read as ONE reading, and the standing overflow counter
 * leading to accept_queue_overflow with a second reading asked for.
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { readBundle } from "../bundle";
import { analyzeBundle } from "./analyze";

import { readdirSync } from "node:fs";

const ROOT = path.join(path.dirname(fileURLToPath(import.meta.url)), "testdata", "sosreport");
// the tree itself (as given to `netmortem analyze`): its host is named from its folder name
const DIR = path.join(ROOT, readdirSync(ROOT).find((d) => d.startsWith("sosreport-"))!);

describe("a sosreport tree", () => {
  it("is one host, server, with its kernel and one reading of the counters", async () => {
    const r = await readBundle([DIR]);
    expect(r.status).toBe("success");
    if (r.status !== "success") return;
    expect(r.hosts.map((h) => h.host)).toEqual(["server"]);
    const h = r.hosts[0]!;
    expect(h.kernel?.value).toMatch(/^6\.18\./);
    expect(h.kernel?.cite.file).toBe("sos_commands/kernel/uname_-a");
    expect(h.files.find((f) => f.path === "sos_commands/networking/netstat_-s")?.kind).toBe("netstat-s");
    expect(h.counters["TcpExt.ListenOverflows"]?.value).toBe(1281);
    // netstat -s and /proc/<pid>/net/netstat were read at one moment: no "did not change" from them
    expect(h.readings?.["TcpExt.ListenOverflows"]).toBeUndefined();
  });
  it("leads to accept_queue_overflow on the standing counter and asks for ss -ltn and a second reading", async () => {
    const a = await analyzeBundle([DIR]);
    expect(a.rootCause).toBe("none");
    expect(a.leading?.id).toBe("accept_queue_overflow");
    const cmds = a.leading!.next.map((n) => `${n.host}: ${n.command}`).join("\n");
    expect(cmds).toMatch(/server: ss -ltn/);
    expect(cmds).toMatch(/server: nstat -az TcpExtListenOverflows TcpExtListenDrops; sleep 60/);
  });
});
