#!/usr/bin/env bash
# Bring up a single-node SLURM cluster on localhost (Debian 12: slurmctld, slurmd, munge) for
# the batch tests. No cgroups, no accounting. Started daemon PIDs go to $STATE/pids; stop them
# with scripts/slurm/down.sh. Usage: up.sh [STATE_DIR]   (default: .tmp/slurm)
set -euo pipefail
STATE=${1:-.tmp/slurm}
mkdir -p "$STATE"; STATE=$(cd "$STATE" && pwd)
if ! command -v slurmctld >/dev/null; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends slurmctld slurmd slurm-client munge >/dev/null
fi
HOST=$(hostname -s)
read -r CPUS MEM < <(slurmd -C | awk '/NodeName/ {for(i=1;i<=NF;i++){split($i,a,"="); if(a[1]=="CPUs")c=a[2]; if(a[1]=="RealMemory")m=a[2]} print c, m}')
mkdir -p /run/munge /var/log/munge /var/lib/munge
chown munge:munge /run/munge /var/log/munge /var/lib/munge; chmod 0755 /run/munge
[ -s /etc/munge/munge.key ] || { mungekey --create --force; chown munge:munge /etc/munge/munge.key; chmod 0400 /etc/munge/munge.key; }
: > "$STATE/pids"
if ! pgrep -x munged >/dev/null; then
  runuser -u munge -- /usr/sbin/munged; sleep 0.5
  cat /run/munge/munged.pid >> "$STATE/pids"
fi
munge -n | unmunge >/dev/null
mkdir -p /var/spool/slurmctld /var/spool/slurmd /var/log/slurm
cat > /etc/slurm/slurm.conf <<CONF
ClusterName=local
SlurmctldHost=${HOST}
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
MpiDefault=none
ReturnToService=2
MinJobAge=300
StateSaveLocation=/var/spool/slurmctld
SlurmdSpoolDir=/var/spool/slurmd
SlurmctldPidFile=/run/slurmctld.pid
SlurmdPidFile=/run/slurmd.pid
SlurmctldLogFile=/var/log/slurm/slurmctld.log
SlurmdLogFile=/var/log/slurm/slurmd.log
NodeName=${HOST} NodeAddr=127.0.0.1 CPUs=${CPUS} RealMemory=${MEM} State=UNKNOWN
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP
CONF
slurmctld -D -c > /var/log/slurm/slurmctld.out 2>&1 & echo $! >> "$STATE/pids"
slurmd -D > /var/log/slurm/slurmd.out 2>&1 & echo $! >> "$STATE/pids"
for _ in $(seq 1 120); do [ "$(sinfo -h -N -o '%T' 2>/dev/null || true)" = idle ] && break; sleep 0.5; done
[ "$(sinfo -h -N -o '%T' 2>/dev/null || true)" = idle ] || { echo "slurm: node did not become idle" >&2; exit 1; }
echo "slurm: single-node cluster up ($(sinfo -h -o '%P %D %T'))"
