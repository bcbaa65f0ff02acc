#!/usr/bin/env bash
# Start a real single-node Slurm cluster on this machine, for the cluster-sweep test.
#
#   .ci/slurm-up.sh                      # as root; state in /tmp/povsim-slurm
#   POVSIM_SLURM_DIR=/some/dir .ci/slurm-up.sh
#
# Idempotent: installs slurm-wlm and munge only if missing, starts munged, slurmctld and
# slurmd only if they are not already running, and always ends by waiting for the node to
# be idle. The last line printed is the `export SLURM_CONF=...` that sbatch/sinfo need.
# Stop everything with .ci/slurm-down.sh (same POVSIM_SLURM_DIR).
#
# Facts this relies on (shared/ENVIRONMENT.md): SlurmctldHost and NodeName must equal
# `hostname -s`; proctrack/cgroup fails in this sandbox, so proctrack/linuxproc; munged
# needs /run/munge owned by munge.
set -euo pipefail

DIR="${POVSIM_SLURM_DIR:-/tmp/povsim-slurm}"
CONF="$DIR/slurm.conf"
WAIT_SECONDS="${POVSIM_SLURM_WAIT:-60}"
export SLURM_CONF="$CONF"
# The daemons live in /usr/sbin, which a minimal PATH may lack.
export PATH="$PATH:/usr/sbin:/sbin"

say() { echo "slurm-up: $*" >&2; }

if [ "$(id -u)" -ne 0 ]; then
    say "must run as root (it installs packages and starts daemons as root)"
    exit 1
fi

# --- 1. Packages ---------------------------------------------------------------------
if ! command -v sbatch >/dev/null || ! command -v slurmctld >/dev/null \
    || ! command -v slurmd >/dev/null || ! command -v munged >/dev/null; then
    say "installing slurm-wlm and munge"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq -o Dpkg::Use-Pty=0 slurm-wlm munge >/dev/null
fi

# `pid_alive FILE`: true if FILE names a running process.
pid_alive() {
    [ -s "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null
}

mkdir -p "$DIR/state" "$DIR/spool"

# --- 2. munge (authentication between the Slurm commands and daemons) ----------------
MUNGE_PID=/run/munge/munged.pid
if [ ! -s /etc/munge/munge.key ]; then
    # The package's postinst normally creates it; make one if it did not.
    say "creating /etc/munge/munge.key"
    mkdir -p /etc/munge
    if command -v mungekey >/dev/null; then
        mungekey --create --force --keyfile=/etc/munge/munge.key
    else
        dd if=/dev/urandom bs=1 count=1024 of=/etc/munge/munge.key 2>/dev/null
    fi
    chown munge:munge /etc/munge/munge.key
    chmod 400 /etc/munge/munge.key
fi
mkdir -p /run/munge /var/log/munge /var/lib/munge
chown munge:munge /run/munge /var/log/munge /var/lib/munge
if pid_alive "$MUNGE_PID"; then
    say "munged already running (pid $(cat "$MUNGE_PID"))"
else
    say "starting munged"
    rm -f /run/munge/munge.socket.2 /run/munge/munge.socket.2.lock
    runuser -u munge -- /usr/sbin/munged
    # Remember that we started it, so slurm-down.sh stops it (and only then).
    touch "$DIR/munged.started-by-us"
fi

# --- 3. slurm.conf -------------------------------------------------------------------
HOST="$(hostname -s)"
# `slurmd -C` prints this machine's node line (CPUs, sockets, cores, RealMemory...).
NODE_LINE="$(slurmd -C 2>/dev/null | grep '^NodeName=' | head -n1 || true)"
if [ -n "$NODE_LINE" ]; then
    # Keep the hardware fields; the name comes from hostname -s below.
    NODE_HW="$(echo "$NODE_LINE" | tr ' ' '\n' | grep -E '^(CPUs|Boards|SocketsPerBoard|CoresPerSocket|ThreadsPerCore|RealMemory)=' | tr '\n' ' ')"
else
    NODE_HW="CPUs=$(nproc) RealMemory=1000"
fi
# NodeAddr / SlurmctldHost address: loopback, so nothing depends on name resolution.
NEW_CONF="$(cat <<EOF
# Written by .ci/slurm-up.sh: a one-node cluster for povsim's tests. Do not edit.
ClusterName=povsim
SlurmctldHost=$HOST(127.0.0.1)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
StateSaveLocation=$DIR/state
SlurmdSpoolDir=$DIR/spool
SlurmctldPidFile=$DIR/slurmctld.pid
SlurmdPidFile=$DIR/slurmd.pid
SlurmctldLogFile=$DIR/slurmctld.log
SlurmdLogFile=$DIR/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
MpiDefault=none
MailProg=/bin/true
MinJobAge=600
NodeName=$HOST NodeAddr=127.0.0.1 ${NODE_HW}State=UNKNOWN
PartitionName=debug Nodes=$HOST Default=YES MaxTime=INFINITE State=UP
EOF
)"
if [ ! -f "$CONF" ] || [ "$(cat "$CONF")" != "$NEW_CONF" ]; then
    printf '%s\n' "$NEW_CONF" >"$CONF"
    CONF_CHANGED=1
else
    CONF_CHANGED=0
fi

# --- 4. Daemons ----------------------------------------------------------------------
if pid_alive "$DIR/slurmctld.pid"; then
    say "slurmctld already running (pid $(cat "$DIR/slurmctld.pid"))"
    if [ "$CONF_CHANGED" = 1 ]; then
        say "slurm.conf changed: scontrol reconfigure"
        scontrol reconfigure || true
    fi
else
    say "starting slurmctld"
    # -c: start from a clean state (no jobs or node states left from an earlier run).
    slurmctld -c -f "$CONF"
fi
if pid_alive "$DIR/slurmd.pid"; then
    say "slurmd already running (pid $(cat "$DIR/slurmd.pid"))"
else
    say "starting slurmd"
    slurmd -f "$CONF"
fi

# --- 5. Wait for the node to be idle ---------------------------------------------------
dump_logs() {
    for log in "$DIR/slurmctld.log" "$DIR/slurmd.log"; do
        echo "===== $log (last 40 lines) =====" >&2
        tail -n 40 "$log" >&2 2>/dev/null || echo "(missing)" >&2
    done
    echo "===== sinfo =====" >&2
    sinfo -N -l >&2 2>&1 || true
}
start=$SECONDS
state=""
while :; do
    state="$(sinfo -h -N -n "$HOST" -o '%T' 2>/dev/null | head -n1 || true)"
    # Our own daemons must be alive: sinfo could be answered by another controller on
    # the same port (one started with another POVSIM_SLURM_DIR), ours having died.
    if ! pid_alive "$DIR/slurmctld.pid" || ! pid_alive "$DIR/slurmd.pid"; then
        state="${state:+$state, but }our slurmctld/slurmd not running"
    fi
    case "$state" in
        idle | mixed | allocated | completing) break ;;
        *'*') ;; # not responding yet (slurmd still registering): keep waiting
        drain* | down* | fail* | inval*)
            # A node left drained or down (e.g. by an earlier failed job): put it back.
            reason="$(sinfo -h -N -n "$HOST" -o '%E' 2>/dev/null || true)"
            say "node $HOST is $state ($reason): resuming it"
            scontrol update nodename="$HOST" state=resume 2>/dev/null || true
            ;;
    esac
    if [ $((SECONDS - start)) -ge "$WAIT_SECONDS" ]; then
        say "node $HOST not idle after ${WAIT_SECONDS}s (state: '${state:-no answer}')"
        dump_logs
        exit 1
    fi
    sleep 1
done
say "node $HOST is $state after $((SECONDS - start))s"
echo "export SLURM_CONF=$CONF"
