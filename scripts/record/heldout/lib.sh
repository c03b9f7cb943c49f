# shellcheck shell=bash
# Helpers of the held-out recordings (scripts/record/heldout/scenarios/*.sh): e2e/lab/lib.sh (namespaces made
# and deleted by the script, links created inside them, nothing in the root namespace) plus what these
# recordings need beyond the lab: IPv6 addresses, outputs with their stderr (curl -v, ping), a command run in a
# namespace under a host name of its own (UTS namespace), a terminal session recorded by script(1), kernel log
# lines of this run in dmesg's ISO format. Source it, do not run it.
source "$(dirname "${BASH_SOURCE[0]}")/../../../e2e/lab/lib.sh"
HELD_TOOLS="$(cd "$(dirname "${BASH_SOURCE[0]}")/tools" && pwd)"

# addr6 HOST IF CIDR → an IPv6 address without duplicate address detection (usable at once)
addr6() { ip -n "$(ns "$1")" -6 addr add "$3" dev "$2" nodad; }

# rec2 FILE CMD… → stdout and stderr of CMD together (as a terminal shows them), whatever its exit status
rec2() {
  local f="$1"
  shift
  "$@" >"$f" 2>&1 || true
}

# as HOST NAME CMD… → CMD in HOST's namespace with the host name NAME (its own UTS namespace)
as() {
  local h="$1" name="$2"
  shift 2
  ip netns exec "$(ns "$h")" unshare -u sh -c 'hostname "$0"; exec "$@"' "$name" "$@"
}

# session HOST NAME FILE CMD… → a real terminal session recorded by script(1): an interactive bash in HOST's
# namespace, host name NAME, prompt user@host:dir#, the commands typed one by one; FILE is the typescript
# (CRLF line ends, the terminal's echo of each command, escape sequences as the terminal got them)
session() {
  local h="$1" name="$2" f="$3"
  shift 3
  local input="$LAB_WORK/session-$RANDOM.in" c
  : >"$input"
  for c in "$@"; do printf '%s\n' "$c" >>"$input"; done
  printf 'exit\n' >>"$input"
  # bash reads a line at a time from the terminal; feeding slowly keeps each command's output after its line
  (while IFS= read -r c; do printf '%s\n' "$c"; sleep 0.7; done <"$input") |
    ip netns exec "$(ns "$h")" unshare -u sh -c 'hostname "$0"; cd /root 2>/dev/null; exec script -q -e -c "env -i HOME=/root TERM=xterm PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin PS1=\"\\\\u@\\\\h:\\\\w# \" bash --norc --noprofile -i" "$1"' "$name" "$f" >/dev/null 2>&1 || true
}

# kernel_log_iso SINCE REGEX FILE → like kernel_log_since, the lines as `dmesg --time-format=iso` prints them
kernel_log_iso() {
  local since="$1" re="$2" f="$3"
  local now boot
  now="$(cut -d' ' -f1 /proc/uptime)"
  { dmesg 2>/dev/null || true; } | awk -v since="$since" -v re="$re" '
    { t = $0; sub(/^\[ */, "", t); sub(/\].*/, "", t) }
    (t + 0) > since && $0 ~ re { print }' >"$f.raw"
  if [ -s "$f.raw" ]; then
    # the same lines from dmesg's own ISO rendering (it converts the boot-relative stamps itself)
    { dmesg --time-format=iso 2>/dev/null || true; } | grep -F -f <(sed 's/^\[[^]]*\] //' "$f.raw") | tail -n "$(wc -l <"$f.raw")" >"$f" || true
  fi
  rm -f "$f.raw"
  [ -s "$f" ] || rm -f "$f"
}

# sos_archive HOST NAME DEST → a real sosreport archive of HOST as Debian's sos writes it by default (a .tar.xz;
# networking plugin only, which takes nothing from the machine's kernel log), under the host name NAME, in
# HOST's network namespace with /run/netns hidden (as e2e/lab/lib.sh sos_collect does), into DEST/.
sos_archive() {
  local h="$1" name="$2" dest="$3"
  command -v sos >/dev/null 2>&1 || { lab_log "sos not installed (apt-get install sosreport): no archive for $h"; return 0; }
  mkdir -p "$dest"
  ip netns exec "$(ns "$h")" unshare -m -u sh -c "mount -t tmpfs none /run/netns 2>/dev/null; hostname '$name'; exec sos report --batch -q -o networking -z xz --tmp-dir '$dest'" >"$LAB_WORK/sos-$h.log" 2>&1 \
    || lab_log "sos report failed for $h (see $LAB_WORK/sos-$h.log)"
  rm -f "$dest"/*.sha256 "$dest"/*.md5
}
