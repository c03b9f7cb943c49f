"""Writes a pre-4.12 kernel's `cat /proc/net/netstat` (TcpExt with PAWSPassive) for the seed bundles of
tcp_tw_recycle incidents (seeds 001, 003), which this 6.18 kernel cannot produce: PAWSPassive and
tcp_tw_recycle were removed in 4.12.

The field lists are those of a real older kernel's /proc/net/netstat header, read in place from the corpus
(../shared/corpus/proc/node_exporter/net/netstat); the values are written here by hand (OVERRIDES per
seed, 0 elsewhere) and the file starts with a `# netmortem fixture:` comment saying so.

usage: write_old_kernel_netstat.py OUT KERNEL WHY KEY=VALUE…
"""
import pathlib
import sys

CORPUS = pathlib.Path(__file__).resolve().parents[3] / ".." / "shared" / "corpus" / "proc" / "node_exporter" / "net" / "netstat"


def main() -> None:
    out, kernel, why = sys.argv[1], sys.argv[2], sys.argv[3]
    values = {}
    for kv in sys.argv[4:]:
        k, v = kv.split("=", 1)
        values[k] = int(v)
    lines = CORPUS.resolve().read_text().splitlines()
    headers = [l.split() for l in lines if l.split() and l.split()[0] in ("TcpExt:", "IpExt:")][0::2]
    text = [f"# netmortem fixture: written by hand following `cat /proc/net/netstat`'s format on kernel {kernel}; {why}"]
    used = set()
    for h in headers:
        prefix = h[0]
        fields = h[1:]
        text.append(" ".join(h))
        row = []
        for f in fields:
            key = f"{prefix[:-1]}{f}"
            row.append(str(values.get(key, 0)))
            used.add(key)
        text.append(prefix + " " + " ".join(row))
    unknown = set(values) - used
    if unknown:
        raise SystemExit(f"not in the header: {sorted(unknown)}")
    pathlib.Path(out).write_text("\n".join(text) + "\n")


if __name__ == "__main__":
    main()
