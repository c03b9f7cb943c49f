/**
 * Socket address helpers shared by ss, netstat and /proc/net/tcp. ss and netstat print service names
 * instead of ports unless run with -n ("0.0.0.0:ssh"), so the common ones are mapped back.
 */

/** /etc/services names that show up in real ss/netstat outputs, for reading them without -n. */
const SERVICES: Record<string, number> = {
  ftp: 21, ssh: 22, telnet: 23, smtp: 25, domain: 53, bootps: 67, bootpc: 68, tftp: 69, http: 80, www: 80,
  "http-alt": 8080, pop3: 110, sunrpc: 111, ntp: 123, netbios: 137, "netbios-ns": 137, "netbios-dgm": 138,
  "netbios-ssn": 139, imap: 143, imap2: 143, snmp: 161, ldap: 389, https: 443, "microsoft-ds": 445,
  submission: 587, ipp: 631, ldaps: 636, imaps: 993, pop3s: 995, mysql: 3306, postgresql: 5432, mdns: 5353,
  "rfc3164": 514, syslog: 514, "x11": 6000, "webcache": 8080, "memcache": 11211, "redis": 6379,
  "kerberos": 88, "openvpn": 1194, "rsync": 873, "zeroconf": 5353, "llmnr": 5355, "bgp": 179,
  "sieve": 4190, "mdns-sd": 5353, "nfs": 2049, "vxlan": 4789, "isakmp": 500, "ipsec-nat-t": 4500,
};

export function portNumber(s: string): number | undefined {
  if (s === "*") return 0;
  if (/^\d{1,5}$/.test(s)) {
    const n = Number(s);
    return n <= 65535 ? n : undefined;
  }
  return SERVICES[s.toLowerCase()];
}

/**
 * "10.0.0.1:80", "[::ffff:1.2.3.4]:80", "*:80", "127.0.0.53%lo:53", ":::80", "[fe80::1%eth0]:22",
 * "fe80::a00:27ff:fee9:123" (netstat cuts long v6 addresses) → address (brackets and %scope dropped) + port.
 */
export function splitHostPort(s: string): { address: string; port: number; portText: string } | undefined {
  const at = s.lastIndexOf(":");
  if (at < 0) return undefined;
  let host = s.slice(0, at);
  const portText = s.slice(at + 1);
  const port = portNumber(portText);
  if (port === undefined) return undefined;
  if (host.startsWith("[") && host.endsWith("]")) host = host.slice(1, -1);
  const pct = host.indexOf("%");
  if (pct >= 0) host = host.slice(0, pct);
  if (host === "") return undefined;
  return { address: host, port, portText };
}

/** ss prints states with a dash (TIME-WAIT); netstat with an underscore and long forms (ESTABLISHED). */
export function normaliseState(s: string): string {
  const u = s.toUpperCase().replace(/_/g, "-");
  switch (u) {
    case "ESTABLISHED": return "ESTAB";
    case "CLOSE": return "CLOSE";
    case "UNCONN": return "UNCONN";
    default: return u;
  }
}

export const SS_STATES = new Set([
  "ESTAB", "SYN-SENT", "SYN-RECV", "FIN-WAIT-1", "FIN-WAIT-2", "TIME-WAIT", "UNCONN", "CLOSE-WAIT", "LAST-ACK",
  "LISTEN", "CLOSING", "CLOSED", "CLOSE", "NEW-SYN-RECV", "BOUND", "UNKNOWN",
]);
