#!/usr/bin/env python3
"""A userspace tunnel endpoint for the capture recorders (capture-tunnels.sh, capture-ipip-mtu-blackhole.sh).

This VM's kernel has no ipip, sit, ip6_tunnel, ip_gre or ip6_gre (CONFIG_NET_IPIP, CONFIG_NET_IPGRE_DEMUX,
CONFIG_IPV6_SIT, CONFIG_IPV6_TUNNEL are not set), so the tunnels are made here, as Linux's would be: the inner
traffic is the kernel's own (curl, python's http.server, ping) through TUN/TAP devices; this process wraps what
the kernel writes to a TUN/TAP device in the tunnel's header and sends it through a raw IP socket (the kernel
builds the outer IPv4/IPv6 header, picks its ID, DF and TTL, and routes it), and unwraps what its raw sockets
receive into the TUN/TAP device. Formats: IP in IP (RFC 2003: protocol 4; IPv6 in IPv4/IPv6: 41, RFC 4213/2473),
GRE (RFC 2784 with the key of RFC 2890; protocol type 0x0800/0x86dd, 0x6558 for Ethernet as gretap does),
ERSPAN type II and III (draft-foschiano-erspan: GRE 0x88be with a sequence number and an 8-byte header, GRE 0x22eb
with a 12-byte header) for frames mirrored from an interface (an AF_PACKET socket, as tc mirred would).

Usage: tunnel-endpoint.py SPEC... where SPEC is NAME,KIND,LOCAL,REMOTE[,KEY] with KIND one of ipip (IPv4 in
IPv4), sit (IPv6 in IPv4), ip4ip6 (IPv4 in IPv6), gre, gre6 (GRE over IPv6), gretap (a TAP device), or
mirror,IFACE,LOCAL,REMOTE,SESSION,TYPE,PORT (TYPE 2 or 3: frames of IFACE whose TCP port is PORT, either way).
The TUN/TAP devices (NAME) are created here; the caller gives them addresses and brings them up. Runs until
killed. Linux only, root only, Python 3 standard library only.
"""
import fcntl
import os
import select
import socket
import struct
import sys
import time

TUNSETIFF = 0x400454CA
IFF_TUN, IFF_TAP, IFF_NO_PI = 0x0001, 0x0002, 0x1000
ETH_P_ALL = 0x0003
IP_MTU_DISCOVER, IP_PMTUDISC_DO = 10, 2


def open_tun(name, tap):
    fd = os.open("/dev/net/tun", os.O_RDWR)
    fcntl.ioctl(fd, TUNSETIFF, struct.pack("16sH", name.encode(), (IFF_TAP if tap else IFF_TUN) | IFF_NO_PI))
    return fd


class Tunnel:
    def __init__(self, name, kind, local, remote, key=None):
        self.name, self.kind, self.local, self.remote = name, kind, local, remote
        self.key = None if key is None else int(key)
        self.v6 = kind in ("ip4ip6", "gre6")
        self.fd = open_tun(name, kind == "gretap")

    def proto(self):
        return {"ipip": 4, "sit": 41, "ip4ip6": 4}.get(self.kind, 47)

    def wrap(self, inner):
        """the tunnel payload for what the kernel wrote to the device"""
        if self.kind in ("ipip", "sit", "ip4ip6"):
            return inner
        if self.kind == "gretap":
            ptype = 0x6558
        else:
            ptype = 0x86DD if inner[0] >> 4 == 6 else 0x0800
        if self.key is None:
            return struct.pack("!HH", 0, ptype) + inner
        return struct.pack("!HHI", 0x2000, ptype, self.key) + inner


def main(argv):
    tunnels, mirrors = [], []
    for spec in argv:
        f = spec.split(",")
        if f[0] == "mirror":
            mirrors.append({"iface": f[1], "local": f[2], "remote": f[3], "session": int(f[4]), "type": int(f[5]), "port": int(f[6]), "seq": 0})
        else:
            tunnels.append(Tunnel(*f))
    # one raw socket per (family, protocol), bound to nothing: it receives every such packet of the namespace
    socks = {}

    def raw(v6, proto):
        k = (v6, proto)
        if k not in socks:
            s = socket.socket(socket.AF_INET6 if v6 else socket.AF_INET, socket.SOCK_RAW, proto)
            s.setblocking(False)
            socks[k] = s
        return socks[k]

    # sending sockets, one per tunnel; the kernel picks the outer source by routing (LOCAL is the address the
    # route to REMOTE leaves from: the underlay's, or for GRE in GRE the outer tunnel's inner address, which is
    # assigned only after the devices exist)
    send = {}
    for t in tunnels:
        s = socket.socket(socket.AF_INET6 if t.v6 else socket.AF_INET, socket.SOCK_RAW, t.proto())
        if not t.v6:
            # DF on every outer packet, as Linux's tunnels do by default (pmtudisc): too big is an error here,
            # never a fragment
            s.setsockopt(socket.IPPROTO_IP, IP_MTU_DISCOVER, IP_PMTUDISC_DO)
        send[t.name] = s
        raw(t.v6, t.proto())
    sniff = {}
    for m in mirrors:
        s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
        s.bind((m["iface"], 0))
        s.setblocking(False)
        sniff[s.fileno()] = (s, m)
        m["out"] = socket.socket(socket.AF_INET, socket.SOCK_RAW, 47)
        raw(False, 47)
    by_fd = {t.fd: t for t in tunnels}
    rsocks = {s.fileno(): (k, s) for k, s in socks.items()}
    t0 = time.time()
    while True:
        r, _, _ = select.select(list(by_fd) + list(rsocks) + list(sniff), [], [])
        for fd in r:
            if fd in by_fd:
                t = by_fd[fd]
                inner = os.read(fd, 65536)
                try:
                    send[t.name].sendto(t.wrap(inner), (t.remote, 0))
                except OSError:
                    pass  # e.g. EMSGSIZE: dropped, as a full device would
            elif fd in sniff:
                s, m = sniff[fd]
                frame = s.recv(65536)
                if not mirrored(frame, m["port"]):
                    continue
                m["seq"] += 1
                vlan_cos = 0
                if m["type"] == 2:
                    hdr = struct.pack("!HHI", 0x1000, 0x88BE, m["seq"])
                    # version 1 (type II), VLAN 0; COS, encapsulation, truncated, session ID; index 0
                    hdr += struct.pack("!HHI", 0x1000 | vlan_cos, m["session"] & 0x3FF, 0)
                else:
                    hdr = struct.pack("!HHI", 0x1000, 0x22EB, m["seq"])
                    # version 2 (type III), VLAN 0; session ID; timestamp (100 µs units); SGT 0, flags 0
                    ts = int((time.time() - t0) * 10000) & 0xFFFFFFFF
                    hdr += struct.pack("!HHIHH", 0x2000, m["session"] & 0x3FF, ts, 0, 0)
                try:
                    m["out"].sendto(hdr + frame, (m["remote"], 0))
                except OSError:
                    pass
            else:
                (v6, proto), s = rsocks[fd]
                try:
                    data, addr = s.recvfrom(65536)
                except BlockingIOError:
                    continue
                src = addr[0]
                if not v6:
                    data = data[(data[0] & 15) * 4:]  # IPv4 raw sockets deliver the header too
                deliver(tunnels, v6, proto, src, data)


def mirrored(frame, port):
    """an IPv4 TCP frame to or from port"""
    if len(frame) < 14 + 20 + 4 or frame[12:14] != b"\x08\x00" or frame[14 + 9] != 6:
        return False
    ihl = (frame[14] & 15) * 4
    sp, dp = struct.unpack("!HH", frame[14 + ihl:14 + ihl + 4])
    return port in (sp, dp)


def deliver(tunnels, v6, proto, src, data):
    if proto == 47:
        if len(data) < 4:
            return
        flags, ptype = struct.unpack("!HH", data[:4])
        off, key = 4, None
        if flags & 0x8000:
            off += 4
        if flags & 0x2000:
            key = struct.unpack("!I", data[off:off + 4])[0]
            off += 4
        if flags & 0x1000:
            off += 4
        if ptype in (0x88BE, 0x22EB):
            return  # mirrored frames: nothing here consumes them
        for t in tunnels:
            if t.v6 == v6 and t.proto() == 47 and t.remote == src and t.key == key:
                write(t.fd, data[off:])
                return
        return
    for t in tunnels:
        if t.v6 == v6 and t.proto() == proto and t.remote == src:
            # sit and ipip share nothing but the family: the inner version tells them apart
            inner6 = data[:1] and data[0] >> 4 == 6
            if (t.kind == "sit") == bool(inner6) or t.kind == "ip4ip6":
                write(t.fd, data)
                return


def write(fd, data):
    try:
        os.write(fd, data)
    except OSError:
        pass  # the device is not up (yet): dropped, as the kernel would


if __name__ == "__main__":
    main(sys.argv[1:])
