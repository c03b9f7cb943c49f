#!/usr/bin/env bash
# Installs the Debian packages the test suite needs when they are missing:
# Chromium for the Playwright end-to-end tests, and the networking tools the lab reproductions
# (e2e/lab) and recorders use. Needs root; without root it only says what is missing.
# Usage: scripts/setup-system.sh [--with-postgres] [--with-tshark]
# (--with-tshark: for `npm run bench:agent` and bench:capture's reference; the tests do not need it)
set -euo pipefail

want=()
have() { command -v "$1" >/dev/null 2>&1; }
have chromium || want+=(chromium)
have tcpdump || want+=(tcpdump)
have nginx || want+=(nginx-light)
have nft || want+=(nftables)
have iptables || want+=(iptables)
have conntrack || want+=(conntrack)
have ethtool || want+=(ethtool)
have ip || want+=(iproute2)
have ss || want+=(iproute2)
have nstat || want+=(iproute2)
have netstat || want+=(net-tools)
have python3 || want+=(python3)
have curl || want+=(curl)
have sos || want+=(sosreport)   # e2e/lab: sosreport trees (sos report -o networking,kernel)
have zip || want+=(zip)   # the bundle reader's zip64 test (zip -fz)
for arg in "$@"; do
  case "$arg" in
    --with-postgres) have pg_ctlcluster || want+=(postgresql) ;;
    --with-tshark) have tshark || want+=(tshark) ;;
  esac
done

if [ ${#want[@]} -eq 0 ]; then
  exit 0
fi
# de-duplicate
mapfile -t want < <(printf '%s\n' "${want[@]}" | sort -u)
if [ "$(id -u)" -ne 0 ]; then
  echo "setup-system: missing ${want[*]}; run as root (or install them) to run every test." >&2
  exit 0
fi
echo "setup-system: installing ${want[*]}"
export DEBIAN_FRONTEND=noninteractive
# tshark asks whether non-root users may capture; answer it up front.
echo "wireshark-common wireshark-common/install-setuid boolean false" | debconf-set-selections 2>/dev/null || true
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${want[@]}" >/dev/null
