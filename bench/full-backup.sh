#!/usr/bin/env bash
# Full-backup benchmark of gorgen-backup against a plain `mariadb-dump | gzip | gpg` pipeline.
#
#   bench/full-backup.sh [SIZE_MB]          (or BENCH_SIZE_MB=100 bench/full-backup.sh; default 1024)
#   GORGEN_JAR=/path/to/gorgen-backup.jar bench/full-backup.sh 100
#
# Starts a throwaway MariaDB on a free 127.0.0.1 port, builds (or reuses) a GORGEN-like database whose dump is
# about SIZE_MB MB, times the baseline pipeline, then times one full backup through the service's HTTP API
# (embedded S3 store, both buckets), checks the stored artifact decrypts to the manifest's plaintext size and
# prints a report. Everything lives under bench/work/; see bench/README.md.
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(dirname "$BENCH_DIR")
WORK=$BENCH_DIR/work
# shellcheck source=bench/lib.sh
. "$BENCH_DIR/lib.sh"
bench_size_arg "$@"
# Upper bound of the service's backup run (POST to completion), seconds.
SERVICE_TIMEOUT=${BENCH_SERVICE_TIMEOUT:-$((300 + SIZE_MB))}
RATIO_TARGET=1.3
RUN=$WORK/run # recreated on every run
SERVICE_LOG=$WORK/service.log
MARIADB_LOG=$WORK/mariadb.log
REPORT=$WORK/report.txt

bench_lock
bench_check_tools
bench_install_cleanup
bench_find_jar
bench_new_run_dir

# ------------------------------------------------------------------------------------------------ MariaDB, data, keys
bench_start_mariadb
bench_prepare_database
bench_gen_key

# ------------------------------------------------------------------------------------------------ baseline
# The same dump options as the service (DumpCommand.FIXED_OPTIONS + binlog options), and the service's own
# catalog tables left out as the service leaves them out.
log "baseline: mariadb-dump | gzip -6 | gpg"
BASE_OUT=$RUN/baseline.sql.gz.gpg
t0=$(now)
set +e
timeout "$STEP_TIMEOUT" mariadb-dump --defaults-extra-file="$RUN/client.cnf" --single-transaction --quick --routines --triggers --events \
  --hex-blob --default-character-set=utf8mb4 --max-allowed-packet=1G --master-data=2 --gtid \
  --ignore-table=gorgen.backup_history --ignore-table=gorgen.backup_audit_log \
  --ignore-table=gorgen.backup_schema_version gorgen 2>"$RUN/baseline-dump.err" |
  gzip -6 |
  gpg --batch --yes --trust-model always --encrypt --recipient "$FPR" --compress-algo none --cipher-algo AES256 -o "$BASE_OUT"
st=("${PIPESTATUS[@]}")
set -e
t1=$(now)
[[ ${st[*]} == "0 0 0" ]] || { cat "$RUN/baseline-dump.err" >&2; die "baseline pipeline failed (exit codes ${st[*]})"; }
BASE_SECS=$(calc "sprintf(\"%.2f\", $t1 - $t0)")
BASE_STORED=$(stat -c %s "$BASE_OUT")
log "baseline: ${BASE_SECS} s, $BASE_STORED bytes stored"

# ------------------------------------------------------------------------------------------------ service
bench_start_service admin
log "service up; triggering a full backup"
bench_full_backup

bench_service_memory
if kill -0 "$SERVICE_PID" 2>/dev/null; then
  api GET "/api/backup/history?limit=20" >"$RUN/history.json" 2>/dev/null || true
fi
bench_stop_service

# ------------------------------------------------------------------------------------------------ verify
VERIFY="not run"
PLAIN_BYTES=0
STORED_BYTES=0
SECONDARY="not checked"
PHASES=""
SERVICE_TIMES=""
if [[ $STATUS == success ]]; then
  artifact=$(find "$RUN/service-data/s3/gorgen-backup-primary" -name '*.sql.gz.gpg' -type f -print -quit)
  [[ -n $artifact ]] || die "no *.sql.gz.gpg under $RUN/service-data/s3/gorgen-backup-primary"
  manifest=$(dirname "$artifact")/manifest.json
  [[ -f $manifest ]] || die "no manifest.json beside $artifact"
  read -r PLAIN_BYTES STORED_BYTES PLAIN_SHA SERVICE_TIMES < <(python3 - "$manifest" <<'PYEOF'
import datetime, json, sys
m = json.load(open(sys.argv[1]))
a = m["artifact"]
t = lambda s: datetime.datetime.fromisoformat(s.replace("Z", "+00:00"))
print(a["plaintextBytes"], a["sizeBytes"], a["plaintextSha256"], f'{(t(m["completedAt"]) - t(m["startedAt"])).total_seconds():.2f}')
PYEOF
  )
  log "verifying $artifact (gpg --decrypt | gunzip)"
  set +e
  timeout "$STEP_TIMEOUT" gpg --batch --quiet --decrypt "$artifact" 2>"$RUN/verify-gpg.err" | gunzip | python3 -c '
import hashlib, sys
h, n, tail = hashlib.sha256(), 0, b""
for b in iter(lambda: sys.stdin.buffer.read(1 << 20), b""):
    h.update(b); n += len(b); tail = (tail + b)[-200:]
print(n, h.hexdigest(), int(b"-- Dump completed" in tail))' >"$RUN/verify.out"
  st=("${PIPESTATUS[@]}")
  set -e
  got=$(cat "$RUN/verify.out")
  read -r got_bytes got_sha got_complete <<<"$got"
  if [[ ${st[*]} == "0 0 0" && $got_bytes == "$PLAIN_BYTES" && $got_sha == "$PLAIN_SHA" && $got_complete == 1 &&
    $(stat -c %s "$artifact") == "$STORED_BYTES" ]]; then
    VERIFY="PASS (decrypted $got_bytes bytes = manifest plaintextBytes, SHA-256 matches, dump complete)"
  else
    VERIFY="FAIL (exit codes ${st[*]}, decrypted ${got_bytes:-?} bytes vs manifest $PLAIN_BYTES, sha match: $([[ $got_sha == "$PLAIN_SHA" ]] && echo yes || echo no), complete: ${got_complete:-?}; $(head -c 300 "$RUN/verify-gpg.err"))"
  fi
  second=$(find "$RUN/service-data/s3/gorgen-backup-secondary" -name "$(basename "$artifact")" -type f -print -quit)
  if [[ -n $second ]] && cmp -s "$artifact" "$second"; then SECONDARY="identical copy"; else SECONDARY="MISSING or different"; fi
  # where the time went, from the POST: dump child gone (dump + gzip + encryption to the spool file done), the
  # primary / secondary object written (upload complete; each is then read back and checked), status success
  rel() { calc "sprintf(\"%.1f\", $1 - $t0)"; }
  PHASES="dump+gzip+encrypt done $([[ -n $T_DUMP_END ]] && rel "$T_DUMP_END" || echo '?') s"
  PHASES+=", primary object complete $(rel "$(stat -c %.3Y "$artifact")") s"
  [[ -n $second ]] && PHASES+=", secondary object complete $(rel "$(stat -c %.3Y "$second")") s"
  PHASES+=", success seen ${SVC_SECS} s"
fi

# ------------------------------------------------------------------------------------------------ report
{
  echo "==== gorgen-backup full-backup benchmark ($(date -u +%Y-%m-%dT%H:%M:%SZ), $(nproc) cores) ===="
  echo "database           gorgen, ~${SIZE_MB} MB target, InnoDB data+index $(mb "$DATA_BYTES") MB$([[ $FRESH == 1 ]] && echo ' (built this run)' || echo ' (cached)')"
  echo "backup             id $BACKUP_ID, status: $STATUS"
  if [[ $STATUS == success ]]; then
    echo "dump size          $(mb "$PLAIN_BYTES") MB ($PLAIN_BYTES bytes, manifest plaintextBytes)"
    echo "baseline           ${BASE_SECS} s  $(calc "sprintf(\"%.1f\", $PLAIN_BYTES / 1048576 / $BASE_SECS)") MB/s  (mariadb-dump | gzip -6 | gpg, stored $(mb "$BASE_STORED") MB)"
    echo "service            ${SVC_SECS} s  $(calc "sprintf(\"%.1f\", $PLAIN_BYTES / 1048576 / $SVC_SECS)") MB/s  (POST to status=success; manifest startedAt..completedAt ${SERVICE_TIMES} s)"
    echo "service timeline   $PHASES (from the POST)"
    RATIO=$(calc "sprintf(\"%.2f\", $SVC_SECS / $BASE_SECS)")
    echo "ratio              ${RATIO} (service / baseline, target <= $RATIO_TARGET)"
    echo "stored             $(mb "$STORED_BYTES") MB, compression $(calc "sprintf(\"%.2f\", $PLAIN_BYTES / $STORED_BYTES)"):1; secondary bucket: $SECONDARY"
  else
    echo "service            ${SVC_SECS} s until: $STATUS"
    RATIO=""
  fi
  echo "service memory     peak RSS (VmHWM) $(calc "sprintf(\"%.0f\", $HWM_KB / 1024)") MB, RSS when idle $(calc "sprintf(\"%.0f\", $RSS_IDLE_KB / 1024)") MB, heap cap (-Xmx) $HEAP_MB MB, OutOfMemoryError in log: $OOM"
  if [[ -n $HEAP_INFO ]]; then sed 's/^/  heap after run:  /' <<<"$HEAP_INFO"; fi
  echo "artifact check     $VERIFY"
  if [[ $STATUS == success && $OOM == no && $VERIFY == PASS* ]]; then
    echo "PASS  completed under -Xmx${HEAP_MB}m"
  else
    echo "FAIL  completed under -Xmx${HEAP_MB}m"
  fi
  if [[ -n $RATIO ]] && awk "BEGIN { exit !($RATIO <= $RATIO_TARGET) }"; then
    echo "PASS  ratio <= $RATIO_TARGET ($RATIO)"
  else
    echo "FAIL  ratio <= $RATIO_TARGET (${RATIO:-n/a})"
  fi
} | tee "$REPORT"

if [[ $STATUS != success ]]; then
  echo "--- service log (last 40 lines of $SERVICE_LOG) ---"
  tail -40 "$SERVICE_LOG"
  [[ -s $RUN/history.json ]] && python3 -c 'import json,sys; [print("history:", b) for b in json.load(open(sys.argv[1]))["backups"][:1]]' "$RUN/history.json" || true
  exit 1
fi
[[ $VERIFY == PASS* ]] || exit 1
exit 0
