#!/usr/bin/env bash
# The same 30-second health sample done the classic way, with ps, df, du,
# free, uptime and dmesg: the baseline `vpt investigate --health` is measured
# against (bench/health.bench.mjs). Usage: health.sh <log-dir> <stream-root>
set -u
LOG_DIR=${1:?log dir}
STREAM_ROOT=${2:?stream root}
MEMORY_ALERT_KB=$((1024 * 1024))
mkdir -p "$LOG_DIR"
LOG="$LOG_DIR/health_$(date +%Y%m%d).log"
TS="[$(date '+%Y-%m-%d %H:%M:%S')]"
{
  load=$(uptime | sed 's/.*load average: //' | cut -d, -f1)
  mem=$(free -h | awk '/^Mem:/ {print $3 "/" $2}')
  echo "$TS Load: $load | Mem: $mem"
  df -h / | awk -v ts="$TS" 'NR==2 {print ts " Global Disk: " $5 " used, " $4 " free"}'
  echo "$TS HOT FOLDERS:"
  for hot in "$STREAM_ROOT"/capture*/hot; do
    [ -d "$hot" ] || continue
    name="$(basename "$(dirname "$hot")")/hot"
    usage=$(df -h "$hot" | awk 'NR==2 {print $5 " (" $3 "/" $2 ")"}')
    echo "$TS   $name: $usage"
    pct=$(df "$hot" | awk 'NR==2 {sub("%", "", $5); print $5}')
    if [ "$pct" -gt 80 ]; then echo "$TS   ⚠️  ALERT: $name at $pct% - FFmpeg may fail!"; fi
  done
  echo "$TS MEMORY LEAK TRACKING:"
  total_kb=$(free -k | awk '/^Mem:/ {print $2}')
  ps -eo pid=,rss=,args= | grep -E 'capture_monitor|hot_cold_archiver|transcript_accumulator|app\.py|vpt monitor' | grep -v grep |
    while read -r pid rss args; do
      name=$(basename "$(echo "$args" | awk '{print $2}')")
      awk -v ts="$TS" -v n="$name" -v r="$rss" -v t="$total_kb" 'BEGIN {printf "%s   %s: %.1fMB (%.1f%%)\n", ts, n, r / 1024, r * 100 / t}'
      if [ "$rss" -gt "$MEMORY_ALERT_KB" ]; then echo "$TS   ⚠️  ALERT: $name exceeds 1GB! Possible memory leak!"; fi
    done
  echo "$TS   Journal RAM: $(du -sh /run/log/journal 2>/dev/null | cut -f1)"
  echo "$TS   /tmp size: $(du -sh "${TMPDIR:-/tmp}" 2>/dev/null | cut -f1)"
  ooms=$(dmesg 2>/dev/null | grep -c 'Out of memory')
  if [ "${ooms:-0}" -gt 0 ]; then echo "$TS   ⚠️  ALERT: $ooms OOM kill(s) in the kernel log"; fi
} >> "$LOG"
