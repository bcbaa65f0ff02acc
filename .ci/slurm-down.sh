#!/usr/bin/env bash
# Stop the one-node Slurm cluster started by .ci/slurm-up.sh (same POVSIM_SLURM_DIR).
#
# Stops slurmd and slurmctld by their pid files, and munged only if slurm-up.sh started
# it. Idempotent: stopping what is not running is not an error. The state directory is
# kept (its logs help after a failure); slurm-up.sh starts from a clean state anyway.
set -uo pipefail

DIR="${POVSIM_SLURM_DIR:-/tmp/povsim-slurm}"

say() { echo "slurm-down: $*" >&2; }

# `stop NAME PIDFILE`: SIGTERM the process named in PIDFILE, wait up to 15 s, then SIGKILL.
stop() {
    local name="$1" pidfile="$2" pid
    if [ ! -s "$pidfile" ]; then
        say "$name: no pid file, not running"
        return 0
    fi
    pid="$(cat "$pidfile")"
    if ! kill -0 "$pid" 2>/dev/null; then
        say "$name: not running (stale pid $pid)"
        rm -f "$pidfile"
        return 0
    fi
    say "stopping $name (pid $pid)"
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 150); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then
        say "$name did not stop in 15 s: SIGKILL"
        kill -KILL "$pid" 2>/dev/null || true
    fi
    rm -f "$pidfile"
}

stop slurmd "$DIR/slurmd.pid"
stop slurmctld "$DIR/slurmctld.pid"
if [ -e "$DIR/munged.started-by-us" ]; then
    stop munged /run/munge/munged.pid
    rm -f "$DIR/munged.started-by-us"
else
    say "munged: not started by slurm-up.sh, left alone"
fi
exit 0
