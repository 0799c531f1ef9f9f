# shellcheck shell=bash
# Process and port helpers. Deliberately /proc and bash's /dev/tcp instead of ps/pgrep/nc, because
# procps and netcat are not part of a minimal Debian.

# A PID counts as alive unless it is gone or a zombie (in containers nobody may reap it promptly).
pid_alive() {
  local pid="$1" state
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  state="$(awk '/^State:/ {print $2}' "/proc/$pid/status" 2>/dev/null)" || return 1
  [[ -n "$state" && "$state" != Z && "$state" != X ]]
}

pid_cmdline() { tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null || true; }

# Wait up to N tenths of a second for PID to exit; true once it has.
wait_pid_gone() {
  local pid="$1" tenths="$2" i
  for ((i = 0; i < tenths; i++)); do
    pid_alive "$pid" || return 0
    sleep 0.1
  done
  ! pid_alive "$pid"
}

# bash's /dev/tcp: a successful connect means the listener is up.
port_open() {
  # shellcheck disable=SC2016  # $1 is expanded by the inner bash
  timeout 2 bash -c 'exec 3<>"/dev/tcp/127.0.0.1/$1"' _ "$1" 2>/dev/null
}

rss_kib() {   # resident memory in KiB (0 if the process is gone)
  local v
  v="$(awk '/^VmRSS:/ {print $2}' "/proc/$1/status" 2>/dev/null)" || true
  echo "${v:-0}"
}

# Direct children via the kernel's list when available, else by scanning every PPid.
child_pids() {
  local parent="$1" f
  if [[ -r "/proc/$parent/task/$parent/children" ]]; then
    cat "/proc/$parent/task/$parent/children"
    return 0
  fi
  for f in /proc/[0-9]*/status; do
    awk -v p="$parent" '/^Pid:/ {pid=$2} /^PPid:/ && $2 == p {print pid}' "$f" 2>/dev/null || true
  done
}

mib() { awk -v k="$1" 'BEGIN {printf "%.1f", k / 1024}'; }
