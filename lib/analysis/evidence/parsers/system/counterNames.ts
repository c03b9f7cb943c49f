/**
 * Kernel MIB names glue the section to the field (`TcpExtListenOverflows`, `Ip6InReceives`) in nstat and
 * /proc/net/snmp6. Splitting them back needs the list of sections, longest first, so `IpExtInOctets`
 * becomes IpExt.InOctets and not Ip.ExtInOctets.
 */
export const MIB_PREFIXES = [
  "MPTcpExt", "TcpExtTLS", "UdpLite6", "UdpLite", "IcmpMsg", "TcpExt", "IpExt", "Icmp6", "Udp6", "Ip6",
  "Icmp", "Sctp", "Tcp", "Udp", "Ip",
] as const;

export function splitMibName(name: string): string | undefined {
  for (const p of MIB_PREFIXES) {
    if (name.length > p.length && name.startsWith(p)) {
      const rest = name.slice(p.length);
      const c = rest.charCodeAt(0);
      // the field starts with an upper-case letter (InReceives, TCPTimeouts) or, for Icmp6 types, "In"/"Out"
      if (c >= 65 && c <= 90) return `${p}.${rest}`;
    }
  }
  return undefined;
}
