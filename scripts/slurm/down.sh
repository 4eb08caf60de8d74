#!/usr/bin/env bash
# Stop the daemons started by up.sh, by PID (newest first).
STATE=${1:-.tmp/slurm}
[ -f "$STATE/pids" ] || exit 0
for p in $(tac "$STATE/pids"); do kill "$p" 2>/dev/null || true; done
rm -f "$STATE/pids"
echo "slurm: stopped"
