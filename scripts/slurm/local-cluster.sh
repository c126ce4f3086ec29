#!/usr/bin/env bash
# A single-node Slurm cluster on this machine (Debian's slurm-wlm + munge), for the scale-out
# tests and for trying `--executor slurm` by hand. Usage:
#   scripts/slurm/local-cluster.sh start [DIR]   writes DIR/slurm.conf, starts munged, slurmctld,
#                                                slurmd; prints `export SLURM_CONF=DIR/slurm.conf`
#   scripts/slurm/local-cluster.sh stop [DIR]
# DIR defaults to /tmp/liftwell-slurm. Runs as root (the daemons need it); accounting is off, so
# finished jobs are followed through per-piece exit files, not sacct.
set -euo pipefail
cmd=${1:-start}
dir=${2:-/tmp/liftwell-slurm}
host=$(hostname -s)

stop() {
  for pidfile in "$dir/slurmd.pid" "$dir/slurmctld.pid"; do
    if [ -f "$pidfile" ]; then kill "$(cat "$pidfile")" 2>/dev/null || true; rm -f "$pidfile"; fi
  done
}

if [ "$cmd" = stop ]; then stop; exit 0; fi
if [ "$cmd" != start ]; then echo "usage: $0 start|stop [DIR]" >&2; exit 2; fi
for bin in munged slurmctld slurmd sbatch; do
  command -v "$bin" >/dev/null || { echo "$0: $bin not found (apt-get install slurm-wlm munge)" >&2; exit 1; }
done

mkdir -p "$dir/state" "$dir/spool" "$dir/log"
cpus=$(nproc)
mem=$(awk '/MemTotal/ {print int($2/1024*0.9)}' /proc/meminfo)
cat > "$dir/slurm.conf" <<CONF
ClusterName=liftwell-local
SlurmctldHost=$host
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
SlurmctldPort=6817
SlurmdPort=6818
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/log/slurmctld.log
SlurmdLogFile=$dir/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
MpiDefault=none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
JobCompType=jobcomp/none
ReturnToService=2
SchedulerType=sched/backfill
MinJobAge=300
KillWait=5
NodeName=$host CPUs=$cpus RealMemory=$mem State=UNKNOWN
PartitionName=local Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF

# munge: Debian's package made /etc/munge/munge.key; start the daemon once.
if ! pgrep -x munged >/dev/null; then
  mkdir -p /run/munge && chown munge:munge /run/munge 2>/dev/null || true
  if id munge >/dev/null 2>&1; then su -s /bin/sh munge -c munged 2>/dev/null || munged --force; else munged --force; fi
fi

stop
export SLURM_CONF="$dir/slurm.conf"
slurmctld -f "$SLURM_CONF"
slurmd -f "$SLURM_CONF"
# Wait until the node is idle (a few seconds).
for _ in $(seq 1 60); do
  state=$(sinfo -h -o '%T' 2>/dev/null | head -n1 || true)
  case "$state" in idle|mixed|allocated) echo "export SLURM_CONF=$SLURM_CONF"; exit 0 ;; esac
  sleep 0.5
done
echo "$0: the node did not come up (state: ${state:-none}); see $dir/log/" >&2
exit 1
