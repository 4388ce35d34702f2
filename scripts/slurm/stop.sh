#!/usr/bin/env bash
# Stops the one-node SLURM cluster that scripts/slurm/start.sh started from $OPTLAB_SLURM_DIR
# (default /tmp/optlab-slurm): the daemons named as arguments (slurmd, slurmctld, munged), or all three.
# Each is stopped by the pid in its pid file (SIGTERM, then SIGKILL after 10 s); the state folder is kept
# (remove it by hand for a clean slate). Idempotent: a daemon that is not running is skipped.
set -euo pipefail

STATE="${OPTLAB_SLURM_DIR:-/tmp/optlab-slurm}"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
say() { printf 'slurm: %s\n' "$*" >&2; }

daemons=("$@")
[ "${#daemons[@]}" -gt 0 ] || daemons=(slurmd slurmctld munged)

pidfile() {
  case "$1" in
    slurmd) echo "$STATE/log/slurmd.pid" ;;
    slurmctld) echo "$STATE/log/slurmctld.pid" ;;
    munged) echo "$STATE/munge/munged.pid" ;;
    *) say "unknown daemon $1 (slurmd, slurmctld or munged)"; return 1 ;;
  esac
}

# slurmd first (it holds jobs), the controller next, munge last (the others authenticate through it)
for name in slurmd slurmctld munged; do
  [[ " ${daemons[*]} " == *" $name "* ]] || continue
  file="$(pidfile "$name")"
  $SUDO test -f "$file" || continue
  pid="$($SUDO cat "$file")"
  if ! kill -0 "$pid" 2>/dev/null; then
    $SUDO rm -f "$file"
    continue
  fi
  say "stopping $name (pid $pid)"
  $SUDO kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 100); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$pid" 2>/dev/null; then
    say "$name did not stop within 10 s; killing it"
    $SUDO kill -KILL "$pid" 2>/dev/null || true
  fi
  $SUDO rm -f "$file"
done
