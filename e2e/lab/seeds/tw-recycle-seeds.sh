#!/usr/bin/env bash
# Seeds 001 and 003 (tcp_tw_recycle + NAT → PAWS-rejected SYNs) happened on CentOS 7 (3.10) kernels. This
# kernel (6.18) has neither tcp_tw_recycle nor the PAWSPassive counter (both gone in 4.12), so the kernel
# outputs of those bundles are written by hand following the real formats, each file starting with a
# `# netmortem fixture:` line that says so. What CAN be recorded here is recorded: seed 001's docker
# bridges and routes after the team's bip / docker_gwbridge fix (ip addr / ip route / ip route get in a
# network namespace). Re-running rewrites the bundles.
#
#   bash e2e/lab/seeds/tw-recycle-seeds.sh      (needs root for the recorded part)
source "$(dirname "$0")/../lib.sh"
ROOT="$(cd "$LAB_DIR/../.." && pwd)/lib/analysis/diagnosis/testdata/seeds"
GEN="$LAB_DIR/seeds/write_old_kernel_netstat.py"

# ---------------------------------------------------------------- 001: docker swarm test server, 3.10
S1="$ROOT/001-tw-recycle-swarm/swarm-host"
rm -rf "$S1" && mkdir -p "$S1"
K1="3.10.0-1062.el7.x86_64"
WHY1="PAWSPassive and tcp_tw_recycle do not exist on this machine's 6.18 kernel; values written for seed 001"
common1=(TcpExtSyncookiesFailed=3 TcpExtEmbryonicRsts=41 TcpExtOutOfWindowIcmps=12 TcpExtTWKilled=0
  TcpExtPAWSActive=0 TcpExtListenOverflows=0 TcpExtTCPTimeouts=4120 TcpExtTCPAbortOnTimeout=37)
python3 "$GEN" "$S1/proc-net-netstat-before.txt" "$K1" "$WHY1; first reading, while the swarm ports were failing" \
  "${common1[@]}" TcpExtTW=2810433 TcpExtTWRecycled=1204331 TcpExtPAWSPassive=18342 TcpExtPAWSEstab=211 \
  TcpExtListenDrops=18342 TcpExtDelayedACKs=902114 TcpExtTCPPureAcks=5120993 TcpExtTCPHPAcks=7340021 \
  TcpExtTCPHPHits=12033871 IpExtInOctets=91233018812 IpExtOutOctets=88123300411
python3 "$GEN" "$S1/proc-net-netstat-after.txt" "$K1" "$WHY1; second reading a few minutes later, same incident" \
  "${common1[@]}" TcpExtTW=2812107 TcpExtTWRecycled=1205102 TcpExtPAWSPassive=18917 TcpExtPAWSEstab=214 \
  TcpExtListenDrops=18917 TcpExtDelayedACKs=902630 TcpExtTCPPureAcks=5123310 TcpExtTCPHPAcks=7343802 \
  TcpExtTCPHPHits=12039920 IpExtInOctets=91240330195 IpExtOutOctets=88129813007
cat >"$S1/uname-r.txt" <<TXT
# netmortem fixture: written by hand following \`uname -r\`'s format on kernel $K1; the seed's host is a CentOS 7 (yum) server, this machine runs 6.18
$K1
TXT
cat >"$S1/sysctl-tcp-tw.txt" <<'TXT'
# netmortem fixture: written by hand following `sysctl net.ipv4.tcp_tw_recycle net.ipv4.tcp_tw_reuse net.ipv4.tcp_timestamps`'s format on kernel 3.10.0-1062.el7.x86_64; tcp_tw_recycle does not exist on 6.18 (the seed's fix was `sysctl -w net.ipv4.tcp_tw_recycle=0`, so it was 1)
net.ipv4.tcp_tw_recycle = 1
net.ipv4.tcp_tw_reuse = 1
net.ipv4.tcp_timestamps = 1
TXT
# the seed's capture on docker_gwbridge: SYNs from the office NAT address to the swarm ingress sandbox,
# answered for one client (TS clock ~1.53e9) and never for another behind the same address (~4.1e8)
cat >"$S1/tcpdump-docker_gwbridge.txt" <<'TXT'
# netmortem fixture: written by hand following `tcpdump -i docker_gwbridge -nn port 8080`'s format (3.10 kernel: TS clock 1000 Hz, SYN retries at 1, 3, 7, 15, 31 s); the seed's own capture lines are not in the postmortem (only "只有Sync包没有ACK"). Two clients behind the office NAT 172.18.30.1 with unrelated TS clocks: the one with the lower clock gets no SYN-ACK.
10:42:07.118532 IP 172.18.30.1.61544 > 192.168.101.2.8080: Flags [S], seq 2583301147, win 29200, options [mss 1460,sackOK,TS val 1530228114 ecr 0,nop,wscale 7], length 0
10:42:07.118590 IP 192.168.101.2.8080 > 172.18.30.1.61544: Flags [S.], seq 1097756410, ack 2583301148, win 28960, options [mss 1460,sackOK,TS val 88211634 ecr 1530228114,nop,wscale 7], length 0
10:42:07.119012 IP 172.18.30.1.61544 > 192.168.101.2.8080: Flags [.], ack 1, win 229, options [nop,nop,TS val 1530228115 ecr 88211634], length 0
10:42:07.119344 IP 172.18.30.1.61544 > 192.168.101.2.8080: Flags [P.], seq 1:215, ack 1, win 229, options [nop,nop,TS val 1530228115 ecr 88211634], length 214: HTTP: GET /api/health HTTP/1.1
10:42:07.119371 IP 192.168.101.2.8080 > 172.18.30.1.61544: Flags [.], ack 215, win 235, options [nop,nop,TS val 88211635 ecr 1530228115], length 0
10:42:07.124808 IP 192.168.101.2.8080 > 172.18.30.1.61544: Flags [P.], seq 1:160, ack 215, win 235, options [nop,nop,TS val 88211640 ecr 1530228115], length 159: HTTP: HTTP/1.1 200 OK
10:42:07.124853 IP 192.168.101.2.8080 > 172.18.30.1.61544: Flags [F.], seq 160, ack 215, win 235, options [nop,nop,TS val 88211640 ecr 1530228115], length 0
10:42:07.125290 IP 172.18.30.1.61544 > 192.168.101.2.8080: Flags [.], ack 160, win 237, options [nop,nop,TS val 1530228121 ecr 88211640], length 0
10:42:07.125466 IP 172.18.30.1.61544 > 192.168.101.2.8080: Flags [F.], seq 215, ack 161, win 237, options [nop,nop,TS val 1530228121 ecr 88211640], length 0
10:42:07.125489 IP 192.168.101.2.8080 > 172.18.30.1.61544: Flags [.], ack 216, win 235, options [nop,nop,TS val 88211641 ecr 1530228121], length 0
10:42:12.550177 IP 172.18.30.1.53018 > 192.168.101.2.8080: Flags [S], seq 1766200931, win 29200, options [mss 1460,sackOK,TS val 410877352 ecr 0,nop,wscale 7], length 0
10:42:13.551938 IP 172.18.30.1.53018 > 192.168.101.2.8080: Flags [S], seq 1766200931, win 29200, options [mss 1460,sackOK,TS val 410878354 ecr 0,nop,wscale 7], length 0
10:42:15.555921 IP 172.18.30.1.53018 > 192.168.101.2.8080: Flags [S], seq 1766200931, win 29200, options [mss 1460,sackOK,TS val 410880358 ecr 0,nop,wscale 7], length 0
10:42:19.563887 IP 172.18.30.1.53018 > 192.168.101.2.8080: Flags [S], seq 1766200931, win 29200, options [mss 1460,sackOK,TS val 410884366 ecr 0,nop,wscale 7], length 0
10:42:21.402115 IP 172.18.30.1.61552 > 192.168.101.2.8080: Flags [S], seq 3804417725, win 29200, options [mss 1460,sackOK,TS val 1530242398 ecr 0,nop,wscale 7], length 0
10:42:21.402170 IP 192.168.101.2.8080 > 172.18.30.1.61552: Flags [S.], seq 2961803391, ack 3804417726, win 28960, options [mss 1460,sackOK,TS val 88225917 ecr 1530242398,nop,wscale 7], length 0
10:42:21.402590 IP 172.18.30.1.61552 > 192.168.101.2.8080: Flags [.], ack 1, win 229, options [nop,nop,TS val 1530242399 ecr 88225917], length 0
10:42:27.579902 IP 172.18.30.1.53018 > 192.168.101.2.8080: Flags [S], seq 1766200931, win 29200, options [mss 1460,sackOK,TS val 410892382 ecr 0,nop,wscale 7], length 0
10:42:43.611890 IP 172.18.30.1.53018 > 192.168.101.2.8080: Flags [S], seq 1766200931, win 29200, options [mss 1460,sackOK,TS val 410908414 ecr 0,nop,wscale 7], length 0
TXT

# recorded: the host's bridges after the team's fix (bip and docker_gwbridge moved off the company's
# 172.18.0.0/16), its uplink on the office LAN and the route the kernel picks for the office NAT address
host_add swarm-host
bridge_add swarm-host docker0 192.168.100.1/24
bridge_add swarm-host docker_gwbridge 192.168.101.1/24
host_add office
link_veth swarm-host eth0 office eth0
addr swarm-host eth0 172.18.20.15/24
addr office eth0 172.18.20.1/24
ip -n "$(ns swarm-host)" route add default via 172.18.20.1 dev eth0
rec "$S1/ip-addr.txt" ip -n "$(ns swarm-host)" addr
rec "$S1/ip-route.txt" ip -n "$(ns swarm-host)" route
rec "$S1/ip-route-get-172.18.30.1.txt" ip -n "$(ns swarm-host)" route get 172.18.30.1

# ---------------------------------------------------------------- 003: L2 (macvlan) k8s node, 3.10
S3="$ROOT/003-tw-recycle-nat/node10-151-11-1"
rm -rf "$S3" && mkdir -p "$S3"
K3="3.10.0-693.el7.x86_64"
WHY3="PAWSPassive and tcp_tw_recycle do not exist on this machine's 6.18 kernel; read in the target container's netns as in seed 003"
common3=(TcpExtSyncookiesFailed=0 TcpExtEmbryonicRsts=7 TcpExtListenOverflows=0 TcpExtPAWSActive=0
  TcpExtTCPTimeouts=1893 TcpExtTCPAbortOnTimeout=12)
python3 "$GEN" "$S3/proc-net-netstat-before.txt" "$K3" "$WHY3; reading at 14:57, while telnet to 8990 failed" \
  "${common3[@]}" TcpExtTW=1022918 TcpExtTWRecycled=433871 TcpExtPAWSPassive=351102 TcpExtPAWSEstab=1204 \
  TcpExtListenDrops=351240 TcpExtDelayedACKs=311902 TcpExtTCPPureAcks=2210334 TcpExtTCPHPAcks=2988120 \
  TcpExtTCPHPHits=4411209 IpExtInOctets=30122871100 IpExtOutOctets=41233910022
python3 "$GEN" "$S3/proc-net-netstat-after.txt" "$K3" "$WHY3; reading at 16:14, just before tcp_tw_recycle was set to 0 (the seed's 351763 is this PAWSPassive value)" \
  "${common3[@]}" TcpExtTW=1031177 TcpExtTWRecycled=437420 TcpExtPAWSPassive=351763 TcpExtPAWSEstab=1210 \
  TcpExtListenDrops=351901 TcpExtDelayedACKs=315277 TcpExtTCPPureAcks=2231870 TcpExtTCPHPAcks=3017944 \
  TcpExtTCPHPHits=4460311 IpExtInOctets=30298120933 IpExtOutOctets=41519830114
cat >"$S3/uname-r.txt" <<TXT
# netmortem fixture: written by hand following \`uname -r\`'s format on kernel $K3; the seed's server host is a CentOS 7 node (its kernel accepts net.ipv4.tcp_tw_recycle, so < 4.12), this machine runs 6.18
$K3
TXT
cat >"$S3/sysctl-tw-timestamps.txt" <<'TXT'
# netmortem fixture: written by hand following `sysctl -a | grep -E 'tcp_tw_recycle|tcp_timestamps'`'s format on kernel 3.10.0-693.el7.x86_64; tcp_tw_recycle does not exist on 6.18 (seed 003: both were 1 until the fix)
net.ipv4.tcp_timestamps = 1
net.ipv4.tcp_tw_recycle = 1
TXT
cat >"$S3/tcpdump-target-container.txt" <<'TXT'
# netmortem fixture: written by hand following `tcpdump -i eth0 -nn port 8990`'s format in the target container (3.10 kernel: TS clock 1000 Hz); the SYN at 14:56:29.008806 is the seed's own line, retransmitted on the seed's 1/2/4/8/16 s schedule; the successful connections from the same NAT address 192.168.2.174 (another client pod, TS clock ~2.907e9) are written to show the interleaved TS clocks.
14:56:21.774512 IP 192.168.2.174.52488 > 10.151.11.172.8990: Flags [S], seq 1189320445, win 28200, options [mss 1410,sackOK,TS val 2907418833 ecr 0,nop,wscale 7], length 0
14:56:21.774561 IP 10.151.11.172.8990 > 192.168.2.174.52488: Flags [S.], seq 2210538814, ack 1189320446, win 28960, options [mss 1460,sackOK,TS val 1839522017 ecr 2907418833,nop,wscale 7], length 0
14:56:21.775032 IP 192.168.2.174.52488 > 10.151.11.172.8990: Flags [.], ack 1, win 221, options [nop,nop,TS val 2907418834 ecr 1839522017], length 0
14:56:21.775410 IP 192.168.2.174.52488 > 10.151.11.172.8990: Flags [P.], seq 1:187, ack 1, win 221, options [nop,nop,TS val 2907418834 ecr 1839522017], length 186
14:56:21.775431 IP 10.151.11.172.8990 > 192.168.2.174.52488: Flags [.], ack 187, win 235, options [nop,nop,TS val 1839522018 ecr 2907418834], length 0
14:56:21.781207 IP 10.151.11.172.8990 > 192.168.2.174.52488: Flags [P.], seq 1:342, ack 187, win 235, options [nop,nop,TS val 1839522024 ecr 2907418834], length 341
14:56:21.781255 IP 10.151.11.172.8990 > 192.168.2.174.52488: Flags [F.], seq 342, ack 187, win 235, options [nop,nop,TS val 1839522024 ecr 2907418834], length 0
14:56:21.781652 IP 192.168.2.174.52488 > 10.151.11.172.8990: Flags [.], ack 343, win 229, options [nop,nop,TS val 2907418840 ecr 1839522024], length 0
14:56:21.781903 IP 192.168.2.174.52488 > 10.151.11.172.8990: Flags [F.], seq 187, ack 343, win 229, options [nop,nop,TS val 2907418840 ecr 1839522024], length 0
14:56:21.781931 IP 10.151.11.172.8990 > 192.168.2.174.52488: Flags [.], ack 188, win 235, options [nop,nop,TS val 1839522025 ecr 2907418840], length 0
14:56:29.008806 IP 192.168.2.174.52506 > 10.151.11.172.8990: Flags [S], seq 3492286538, win 28200, options [mss 1410,sackOK,TS val 2320837474 ecr 0,nop,wscale 7], length 0
14:56:30.010933 IP 192.168.2.174.52506 > 10.151.11.172.8990: Flags [S], seq 3492286538, win 28200, options [mss 1410,sackOK,TS val 2320838476 ecr 0,nop,wscale 7], length 0
14:56:32.014901 IP 192.168.2.174.52506 > 10.151.11.172.8990: Flags [S], seq 3492286538, win 28200, options [mss 1410,sackOK,TS val 2320840480 ecr 0,nop,wscale 7], length 0
14:56:33.402117 IP 192.168.2.174.52512 > 10.151.11.172.8990: Flags [S], seq 803349201, win 28200, options [mss 1410,sackOK,TS val 2907430461 ecr 0,nop,wscale 7], length 0
14:56:33.402166 IP 10.151.11.172.8990 > 192.168.2.174.52512: Flags [S.], seq 4017731260, ack 803349202, win 28960, options [mss 1460,sackOK,TS val 1839533645 ecr 2907430461,nop,wscale 7], length 0
14:56:33.402603 IP 192.168.2.174.52512 > 10.151.11.172.8990: Flags [.], ack 1, win 221, options [nop,nop,TS val 2907430462 ecr 1839533645], length 0
14:56:36.022877 IP 192.168.2.174.52506 > 10.151.11.172.8990: Flags [S], seq 3492286538, win 28200, options [mss 1410,sackOK,TS val 2320844488 ecr 0,nop,wscale 7], length 0
14:56:44.038906 IP 192.168.2.174.52506 > 10.151.11.172.8990: Flags [S], seq 3492286538, win 28200, options [mss 1410,sackOK,TS val 2320852504 ecr 0,nop,wscale 7], length 0
14:57:00.070899 IP 192.168.2.174.52506 > 10.151.11.172.8990: Flags [S], seq 3492286538, win 28200, options [mss 1410,sackOK,TS val 2320868536 ecr 0,nop,wscale 7], length 0
TXT
lab_log "written: $ROOT/001-tw-recycle-swarm, $ROOT/003-tw-recycle-nat"
