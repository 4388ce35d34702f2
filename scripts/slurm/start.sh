#!/usr/bin/env bash
# Starts a one-node SLURM cluster on this machine, for optlab's cluster tests (and for trying `--slurm` out).
#
#   eval "$(bash scripts/slurm/start.sh)"      # prints `export SLURM_CONF=...` and OPTLAB_SLURM_STARTED=...
#   sbatch --wrap 'hostname'; squeue; sinfo
#   bash scripts/slurm/stop.sh                 # stops the daemons (all, or those named as arguments)
#
# Debian's `slurm-wlm` and `munge` (installed with apt-get when missing; root or sudo). Everything else lives
# in one state folder, $OPTLAB_SLURM_DIR (default /tmp/optlab-slurm), so nothing in /etc is changed and the
# cluster is private to whoever points SLURM_CONF at it:
#
#   munge/     a private munged (own key, socket, pid, log, seed), run as the munge user
#   slurm.conf SlurmctldHost = NodeName = $(hostname -s), CPUs = $(nproc), RealMemory = MemTotal - 512 MB,
#              one partition `debug`, proctrack/linuxproc, task/none, select/cons_tres, SlurmUser=root,
#              no accounting; ports $OPTLAB_SLURM_PORT (default 6817) and the next one
#   ctld/ d/   slurmctld's state and slurmd's spool; log/ both daemons' logs and pid files
#
# Idempotent: a daemon already running from this folder is left alone; the script returns once `sinfo` shows
# the node idle (or fails after 60 s, printing the logs). Messages go to stderr; stdout only carries the
# variables to eval, so `.ci/run` knows which daemons this call started (and stops only those).
set -euo pipefail

STATE="${OPTLAB_SLURM_DIR:-/tmp/optlab-slurm}"
PORT="${OPTLAB_SLURM_PORT:-6817}"
say() { printf 'slurm: %s\n' "$*" >&2; }

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"

# 1. packages
if ! command -v slurmctld >/dev/null 2>&1 || ! command -v slurmd >/dev/null 2>&1 || ! command -v munged >/dev/null 2>&1; then
  say "installing slurm-wlm and munge (apt-get)"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq >&2
  $SUDO apt-get install -y -qq --no-install-recommends slurm-wlm munge >&2
fi

HOST="$(hostname -s)"
CPUS="$(nproc)"
MEM_MB=$(( $(awk '/^MemTotal:/ {print $2}' /proc/meminfo) / 1024 - 512 ))
[ "$MEM_MB" -ge 256 ] || MEM_MB=256

$SUDO mkdir -p "$STATE"/{munge,ctld,d,log}
$SUDO chown munge:munge "$STATE/munge"
$SUDO chmod 0700 "$STATE/munge"
CONF="$STATE/slurm.conf"
SOCKET="$STATE/munge/munge.socket"

alive() { # pid file -> 0 when its process runs
  [ -f "$1" ] && kill -0 "$($SUDO cat "$1")" 2>/dev/null
}
started=()

# 2. munge: a key (munge-owned, mode 400), then munged as the munge user
if ! alive "$STATE/munge/munged.pid"; then
  if ! $SUDO test -s "$STATE/munge/munge.key"; then
    $SUDO dd if=/dev/urandom of="$STATE/munge/munge.key" bs=1024 count=1 status=none
    $SUDO chown munge:munge "$STATE/munge/munge.key"
    $SUDO chmod 0400 "$STATE/munge/munge.key"
  fi
  $SUDO rm -f "$SOCKET" "$SOCKET.lock"
  say "starting munged"
  $SUDO runuser -u munge -- /usr/sbin/munged --force \
    --socket="$SOCKET" --key-file="$STATE/munge/munge.key" --pid-file="$STATE/munge/munged.pid" \
    --log-file="$STATE/munge/munged.log" --seed-file="$STATE/munge/munged.seed"
  started+=(munged)
fi

# 3. slurm.conf (rewritten only when it changes, so a running controller is not surprised)
conf_text="# written by optlab scripts/slurm/start.sh
ClusterName=optlab
SlurmctldHost=$HOST
SlurmctldPort=$PORT
SlurmdPort=$((PORT + 1))
SlurmUser=root
AuthType=auth/munge
AuthInfo=socket=$SOCKET
CredType=cred/munge
MpiDefault=none
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerType=sched/backfill
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
JobCompType=jobcomp/none
ReturnToService=2
MinJobAge=600
KillWait=5
InactiveLimit=0
SlurmctldTimeout=30
SlurmdTimeout=60
StateSaveLocation=$STATE/ctld
SlurmdSpoolDir=$STATE/d
SlurmctldPidFile=$STATE/log/slurmctld.pid
SlurmdPidFile=$STATE/log/slurmd.pid
SlurmctldLogFile=$STATE/log/slurmctld.log
SlurmdLogFile=$STATE/log/slurmd.log
NodeName=$HOST CPUs=$CPUS RealMemory=$MEM_MB State=UNKNOWN
PartitionName=debug Nodes=$HOST Default=YES MaxTime=INFINITE State=UP"
if [ ! -f "$CONF" ] || [ "$($SUDO cat "$CONF")" != "$conf_text" ]; then
  printf '%s\n' "$conf_text" | $SUDO tee "$CONF" >/dev/null
fi
export SLURM_CONF="$CONF"

# 4. the daemons
if ! alive "$STATE/log/slurmctld.pid"; then
  say "starting slurmctld on $HOST:$PORT"
  $SUDO env SLURM_CONF="$CONF" /usr/sbin/slurmctld -f "$CONF"
  started+=(slurmctld)
fi
if ! alive "$STATE/log/slurmd.pid"; then
  say "starting slurmd ($CPUS CPUs, $MEM_MB MB)"
  $SUDO env SLURM_CONF="$CONF" /usr/sbin/slurmd -f "$CONF"
  started+=(slurmd)
fi

# 5. wait until the node is idle (a node left down by an earlier run is resumed)
for i in $(seq 1 120); do
  state="$(sinfo -h -n "$HOST" -o '%T' 2>/dev/null | head -n 1 || true)"
  case "$state" in
    idle | mixed | allocated) break ;;
    down* | drain* | fail*) $SUDO env SLURM_CONF="$CONF" scontrol update NodeName="$HOST" State=RESUME >/dev/null 2>&1 || true ;;
  esac
  sleep 0.5
done
if [[ ! "$state" =~ ^(idle|mixed|allocated) ]]; then
  say "the node did not become idle within 60 s (state: ${state:-no answer}); logs:"
  for f in "$STATE/munge/munged.log" "$STATE/log/slurmctld.log" "$STATE/log/slurmd.log"; do
    [ -f "$f" ] && { echo "--- $f" >&2; $SUDO tail -n 20 "$f" >&2; }
  done
  exit 1
fi
say "cluster up: node $HOST $state ($CPUS CPUs), SLURM_CONF=$CONF${started[*]:+, started: ${started[*]}}"
printf 'export SLURM_CONF=%q\n' "$CONF"
printf 'OPTLAB_SLURM_STARTED=%q\n' "${started[*]:-}"
