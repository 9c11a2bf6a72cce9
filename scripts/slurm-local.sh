#!/usr/bin/env bash
# A single-node Slurm cluster on this machine, for testing scripts/slurm-sweep.sh for real.
#
# Usage:
#   scripts/slurm-local.sh start DIR   set up munge and Slurm in DIR (a new or empty folder) and start
#                                      munged, slurmctld and slurmd; prints the SLURM_CONF to export
#   scripts/slurm-local.sh stop DIR    stop the daemons this script started in DIR (their pid files),
#                                      nothing else
#
# Everything lives in DIR: a fresh munge key, slurm.conf for this host (all its CPUs, its memory less
# 1 GiB, one partition "esegen"; ProctrackType=proctrack/linuxproc and TaskPlugin=task/none, so no
# cgroups are needed), state, spool, logs and pid files. The daemons listen on ports 16817 and 16818
# and use munge's socket in DIR, so they do not meet a system Slurm or munge. Run as root (Slurm's
# daemons run as SlurmUser=root here). Debian 12 packages: slurmctld, slurmd, slurm-client, munge
# (scripts/bootstrap.sh installs them).
set -euo pipefail

usage() { sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d' | sed 's/^# \{0,1\}//' >&2; exit 2; }
[ $# -eq 2 ] || usage
action=$1 dir=$2

stop_pid() { # stop_pid FILE: stop the process whose pid FILE holds, if it still runs
  [ -f "$1" ] || return 0
  local pid; pid=$(cat "$1")
  if kill -0 "$pid" 2>/dev/null; then
    kill "$pid"
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  fi
  rm -f "$1"
}

case "$action" in
  start)
    for tool in munged slurmctld slurmd sbatch; do
      command -v "$tool" >/dev/null || { echo "slurm-local: $tool is missing; run scripts/bootstrap.sh" >&2; exit 2; }
    done
    mkdir -p "$dir"
    dir=$(cd "$dir" && pwd)
    if [ -n "$(ls -A "$dir")" ]; then
      echo "slurm-local: $dir is not empty; give a new or empty folder" >&2; exit 2
    fi
    mkdir -p "$dir/state" "$dir/spool"
    head -c 1024 /dev/urandom > "$dir/munge.key"
    chmod 400 "$dir/munge.key"
    munged --force --key-file="$dir/munge.key" --socket="$dir/munge.socket" --pid-file="$dir/munged.pid" \
      --log-file="$dir/munged.log" --seed-file="$dir/munge.seed"
    host=$(hostname -s)
    memory=$(( $(awk '/MemTotal/ {print $2}' /proc/meminfo) / 1024 - 1024 ))
    cat > "$dir/slurm.conf" <<CONF
ClusterName=esegen
SlurmctldHost=$host
SlurmUser=root
AuthType=auth/munge
AuthInfo=socket=$dir/munge.socket
CredType=cred/munge
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU_Memory
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/slurmctld.log
SlurmdLogFile=$dir/slurmd.log
SlurmctldPort=16817
SlurmdPort=16818
ReturnToService=2
MpiDefault=none
JobCompType=jobcomp/none
AccountingStorageType=accounting_storage/none
NodeName=$host CPUs=$(nproc) RealMemory=$memory State=UNKNOWN
PartitionName=esegen Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
    slurmctld -f "$dir/slurm.conf"
    slurmd -f "$dir/slurm.conf"
    for _ in $(seq 100); do
      if SLURM_CONF="$dir/slurm.conf" sinfo -h -o %t 2>/dev/null | grep -q idle; then
        echo "export SLURM_CONF=$dir/slurm.conf"
        exit 0
      fi
      sleep 0.2
    done
    echo "slurm-local: the node did not come up idle within 20 s; see $dir/slurmctld.log and $dir/slurmd.log" >&2
    exit 1 ;;
  stop)
    [ -d "$dir" ] || { echo "slurm-local: no folder $dir" >&2; exit 2; }
    stop_pid "$dir/slurmd.pid"
    stop_pid "$dir/slurmctld.pid"
    stop_pid "$dir/munged.pid" ;;
  *) usage ;;
esac
