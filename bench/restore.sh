#!/usr/bin/env bash
# Restore benchmark of gorgen-backup against a plain `gpg --decrypt | gunzip | mariadb` pipeline.
#
#   bench/restore.sh [SIZE_MB]              (or BENCH_SIZE_MB=100 bench/restore.sh; default 1024)
#   GORGEN_JAR=/path/to/gorgen-backup.jar bench/restore.sh 100
#
# Starts a throwaway MariaDB and the service exactly as full-backup.sh does (shared code in bench/lib.sh), but with
# the decryption key and a master API key. Takes one full backup through the service, then restores that stored
# object twice into new databases on the same server: once with the plain pipeline (the baseline), once through
# POST /api/backup/restore/{id} (to status verified). Compares the two restored databases with CHECKSUM TABLE,
# prints a report (bench/work/restore-report.txt) and drops the restored databases. See bench/README.md.
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(dirname "$BENCH_DIR")
WORK=$BENCH_DIR/work
# shellcheck source=bench/lib.sh
. "$BENCH_DIR/lib.sh"
bench_size_arg "$@"
# Upper bound of the service's backup run and of its restore run (POST to completion), seconds.
SERVICE_TIMEOUT=${BENCH_SERVICE_TIMEOUT:-$((300 + SIZE_MB))}
RESTORE_TIMEOUT=${BENCH_RESTORE_TIMEOUT:-$((300 + 2 * SIZE_MB))}
RATIO_TARGET=1.15
RUN=$WORK/run-restore # recreated on every run
SERVICE_LOG=$WORK/service-restore.log
MARIADB_LOG=$WORK/mariadb-restore.log
REPORT=$WORK/restore-report.txt
BASE_DB=bench_restore_baseline
BASE_DB_NOBINLOG=bench_restore_baseline_nobinlog # only with BENCH_RESTORE_DIAG=1
SVC_DB=""                                        # the service's target database, from the 202 answer

bench_lock
bench_check_tools gunzip sha256sum pgrep
bench_install_cleanup
bench_find_jar
bench_new_run_dir

# Restored databases are big and live in the cached datadir: dropped at the end and on any exit, as are the binary
# logs the baseline wrote (the cached datadir keeps its size from run to run).
drop_restored() {
  local db
  for db in "$BASE_DB" "$BASE_DB_NOBINLOG" ${SVC_DB:+"$SVC_DB"}; do
    mysql_root -e "SET SESSION sql_log_bin=0; DROP DATABASE IF EXISTS \`$db\`" || return 1
  done
  SVC_DB=""
  local current
  mysql_root -e "FLUSH BINARY LOGS" || return 1
  current=$(mysql_root -N -e "SHOW MASTER STATUS" | awk '{ print $1 }')
  [[ -z $current ]] || mysql_root -e "PURGE BINARY LOGS TO '$current'" || return 1
}
bench_cleanup_hook() {
  rm -f "$RUN/bench-secret.asc"
  if [[ -n $MARIADB_PID ]] && kill -0 "$MARIADB_PID" 2>/dev/null; then
    drop_restored >/dev/null 2>&1 || true
  fi
}

# ------------------------------------------------------------------------------------------------ MariaDB, data, keys
bench_start_mariadb
bench_prepare_database
# Left over by an interrupted run (kill -9): not part of the dataset.
for db in $(mysql_root -N -e "SELECT schema_name FROM information_schema.schemata
    WHERE schema_name LIKE 'bench\\_restore\\_%' OR schema_name LIKE 'gorgen\\_restore\\_%'"); do
  log "dropping database $db left over by an earlier run"
  mysql_root -e "SET SESSION sql_log_bin=0; DROP DATABASE \`$db\`"
done
bench_gen_key
(umask 077 && gpg --batch --pinentry-mode loopback --passphrase '' --armor --export-secret-keys "$FPR" \
  >"$RUN/bench-secret.asc") || die "cannot export the secret key"
grep -q 'PGP PRIVATE KEY BLOCK' "$RUN/bench-secret.asc" || die "the exported secret key is empty"

binlog_bytes() { mysql_root -N -e "SHOW BINARY LOGS" | awk '{ s += $2 } END { printf "%d", s }'; }
dirty_pages() { mysql_root -N -e "SHOW GLOBAL STATUS LIKE 'Innodb_buffer_pool_pages_dirty'" | awk '{ print $2 }'; }

# settle: before each timed restore, InnoDB writes back the dirty pages of what ran before (the backup, the other
# restore; with a high I/O capacity for the while) and the OS its dirty page cache, so that no run pays for the
# previous one's write-back. Sets SETTLE_SECS.
settle() {
  local t saved deadline
  t=$(now)
  saved=$(mysql_root -N -e "SELECT @@GLOBAL.innodb_max_dirty_pages_pct, @@GLOBAL.innodb_io_capacity, @@GLOBAL.innodb_io_capacity_max" | tr '\t' ' ')
  read -r pct cap capmax <<<"$saved"
  mysql_root -e "SET GLOBAL innodb_io_capacity_max = 40000; SET GLOBAL innodb_io_capacity = 20000;
    SET GLOBAL innodb_max_dirty_pages_pct = 0"
  deadline=$((SECONDS + 300))
  while (($(dirty_pages) > 50)) && ((SECONDS < deadline)); do sleep 0.5; done
  mysql_root -e "SET GLOBAL innodb_max_dirty_pages_pct = $pct; SET GLOBAL innodb_io_capacity = $cap;
    SET GLOBAL innodb_io_capacity_max = $capmax"
  sync
  SETTLE_SECS=$(calc "sprintf(\"%.1f\", $(now) - $t)")
}

# CPU seconds (user + system) used so far by PID itself and by its waited-for children (with theirs).
CLK_TCK=$(getconf CLK_TCK)
cpu_self() { awk -v hz="$CLK_TCK" '{ printf "%.2f", ($14 + $15) / hz }' "/proc/$1/stat"; }
cpu_children() { awk -v hz="$CLK_TCK" '{ printf "%.2f", ($16 + $17) / hz }' "/proc/$1/stat"; }
cpu_delta() { calc "sprintf(\"%.1f\", $2 - $1)"; }

# ------------------------------------------------------------------------------------------------ service + backup
SERVICE_ENV_EXTRA=(
  BACKUP_PGP_PRIVATE_KEY_FILE="$RUN/bench-secret.asc"
  BACKUP_PGP_PASSPHRASE=
  BACKUP_RESTORE_DATABASE_URL="mysql://bench:$DB_PASSWORD@127.0.0.1:$DB_PORT/gorgen"
)
bench_start_service master
log "service up; triggering a full backup"
bench_full_backup
if [[ $STATUS != success ]]; then
  echo "--- service log (last 40 lines of $SERVICE_LOG) ---" >&2
  tail -40 "$SERVICE_LOG" >&2
  die "the full backup to restore did not succeed ($STATUS)"
fi
BACKUP_SECS=$SVC_SECS
HWM_BACKUP_KB=$(awk '/^VmHWM:/ { print $2 }' "/proc/$SERVICE_PID/status")

artifact=$(find "$RUN/service-data/s3/gorgen-backup-primary" -name '*.sql.gz.gpg' -type f -print -quit)
[[ -n $artifact ]] || die "no *.sql.gz.gpg under $RUN/service-data/s3/gorgen-backup-primary"
manifest=$(dirname "$artifact")/manifest.json
[[ -f $manifest ]] || die "no manifest.json beside $artifact"
read -r PLAIN_BYTES STORED_BYTES < <(python3 -c '
import json, sys
a = json.load(open(sys.argv[1]))["artifact"]
print(a["plaintextBytes"], a["sizeBytes"])' "$manifest")
log "stored object $artifact ($STORED_BYTES bytes, $PLAIN_BYTES bytes of dump)"

# ------------------------------------------------------------------------------------------------ baseline
# baseline_restore DB [SQL_PREFIX]: gpg --decrypt | gunzip | mariadb into a new empty DB; sets B_SECS and B_BINLOG
# (bytes of binary log written). SQL_PREFIX (a diagnostic variant only) goes to the client before the dump.
baseline_restore() {
  local db=$1 prefix=${2:-} t0b t1b bl0 st
  mysql_root -e "DROP DATABASE IF EXISTS \`$db\`; CREATE DATABASE \`$db\` CHARACTER SET utf8mb4"
  settle
  log "baseline: gpg --decrypt | gunzip | mariadb $db${prefix:+ (after: $prefix)} (settled in ${SETTLE_SECS} s)"
  bl0=$(binlog_bytes)
  c0srv=$(cpu_self "$MARIADB_PID")
  c0me=$(cpu_children $$)
  t0b=$(now)
  set +e
  if [[ -z $prefix ]]; then
    timeout "$STEP_TIMEOUT" gpg --batch --quiet --decrypt "$artifact" 2>"$RUN/baseline-gpg.err" | gunzip |
      mariadb --defaults-extra-file="$RUN/client.cnf" --max-allowed-packet=1G "$db" 2>"$RUN/baseline-client.err"
    st=("${PIPESTATUS[@]}")
  else
    timeout "$STEP_TIMEOUT" gpg --batch --quiet --decrypt "$artifact" 2>"$RUN/baseline-gpg.err" | gunzip |
      { printf '%s\n' "$prefix" && cat; } |
      mariadb --defaults-extra-file="$RUN/client.cnf" --max-allowed-packet=1G "$db" 2>"$RUN/baseline-client.err"
    st=("${PIPESTATUS[@]}")
  fi
  set -e
  t1b=$(now)
  B_CPU_PIPE=$(cpu_delta "$c0me" "$(cpu_children $$)")
  B_CPU_SERVER=$(cpu_delta "$c0srv" "$(cpu_self "$MARIADB_PID")")
  [[ " ${st[*]} " =~ ^(\ 0)+\ $ ]] ||
    { cat "$RUN/baseline-gpg.err" "$RUN/baseline-client.err" >&2; die "baseline pipeline failed (exit codes ${st[*]})"; }
  B_SECS=$(calc "sprintf(\"%.2f\", $t1b - $t0b)")
  B_BINLOG=$(($(binlog_bytes) - bl0))
  log "baseline: ${B_SECS} s into $db (CPU: gpg + gunzip + client ${B_CPU_PIPE} s, server ${B_CPU_SERVER} s)"
}
baseline_restore "$BASE_DB"
BASE_SECS=$B_SECS
BASE_BINLOG=$B_BINLOG
BASE_SETTLE=$SETTLE_SECS
BASE_CPU="gpg + gunzip + client ${B_CPU_PIPE} s, server ${B_CPU_SERVER} s"

# ------------------------------------------------------------------------------------------------ service restore
settle
SVC_SETTLE=$SETTLE_SECS
# Peak RSS of the restore alone: reset the JVM's VmHWM (5 > clear_refs) after the backup's peak was read.
HWM_RESET=no
if echo 5 >"/proc/$SERVICE_PID/clear_refs" 2>/dev/null; then HWM_RESET=yes; fi
bl0=$(binlog_bytes)
c0srv=$(cpu_self "$MARIADB_PID")
c0jvm=$(cpu_self "$SERVICE_PID")
c0cli=$(cpu_children "$SERVICE_PID")
PROFILE=""
if [[ ${BENCH_RESTORE_PROFILE:-0} == 1 ]]; then
  rm -f "$WORK/restore.jfr"
  timeout 60 jcmd "$SERVICE_PID" JFR.start name=bench-restore settings=profile filename="$WORK/restore.jfr" >/dev/null ||
    log "could not start a JFR recording"
fi
log "service: POST /api/backup/restore/$BACKUP_ID (settled in ${SETTLE_SECS} s)"
t0=$(now)
api POST "/api/backup/restore/$BACKUP_ID" -H 'Content-Type: application/json' --data '{}' >"$RUN/restore-start.json" || true
code=$(cat "$RUN/http_status")
RESTORE_STATUS="not started"
RESTORE_ID=""
T_CLIENT_START=""
T_CLIENT_END=""
CLIENT_ARGS=""
if [[ $code == 202 ]]; then
  read -r RESTORE_ID SVC_DB < <(python3 -c '
import json, sys
b = json.load(open(sys.argv[1]))
print(b["restoreId"], b["database"])' "$RUN/restore-start.json")
  log "restore $RESTORE_ID running into $SVC_DB"
  RESTORE_STATUS=running
  deadline=$((SECONDS + RESTORE_TIMEOUT))
  while :; do
    body=$(api GET "/api/backup/restore/$RESTORE_ID" 2>/dev/null || true)
    # the first "status" is the restore's (the validation's own comes later)
    if [[ $body =~ \"status\"[[:space:]]*:[[:space:]]*\"([a-z_]+)\" ]]; then
      RESTORE_STATUS=${BASH_REMATCH[1]}
      [[ $RESTORE_STATUS == verified || $RESTORE_STATUS == failed ]] && break
    fi
    kill -0 "$SERVICE_PID" 2>/dev/null || { RESTORE_STATUS="service died"; break; }
    # the load: the service's mariadb client child exists (before it: reading the object for its SHA-256)
    if [[ -z $T_CLIENT_END ]]; then
      if cpid=$(pgrep -P "$SERVICE_PID" -x mariadb | head -1) && [[ -n $cpid ]]; then
        if [[ -z $T_CLIENT_START ]]; then
          T_CLIENT_START=$(now)
          CLIENT_ARGS=$(tr '\0' ' ' <"/proc/$cpid/cmdline" 2>/dev/null | sed 's/--defaults-extra-file=[^ ]*/--defaults-extra-file=F/' || true)
        fi
      elif [[ -n $T_CLIENT_START ]]; then
        T_CLIENT_END=$(now)
      fi
    fi
    ((SECONDS < deadline)) || { RESTORE_STATUS="timeout after ${RESTORE_TIMEOUT} s"; break; }
    sleep 0.25
  done
  t1=$(now)
  [[ -n $T_CLIENT_START && -z $T_CLIENT_END ]] && T_CLIENT_END=$t1
  printf '%s\n' "$body" >"$RUN/restore-status.json"
else
  t1=$(now)
  cp "$RUN/restore-start.json" "$RUN/restore-status.json"
  RESTORE_STATUS="POST answered HTTP $code"
fi
SVC_SECS=$(calc "sprintf(\"%.2f\", $t1 - $t0)")
SVC_CPU="?"
if kill -0 "$SERVICE_PID" 2>/dev/null; then
  SVC_CPU="JVM $(cpu_delta "$c0jvm" "$(cpu_self "$SERVICE_PID")") s, client $(cpu_delta "$c0cli" "$(cpu_children "$SERVICE_PID")") s, server $(cpu_delta "$c0srv" "$(cpu_self "$MARIADB_PID")") s"
fi
SVC_BINLOG=$(($(binlog_bytes) - bl0))
log "restore ${RESTORE_ID:-?}: $RESTORE_STATUS after ${SVC_SECS} s"

if [[ ${BENCH_RESTORE_PROFILE:-0} == 1 ]] && kill -0 "$SERVICE_PID" 2>/dev/null; then
  timeout 120 jcmd "$SERVICE_PID" JFR.stop name=bench-restore >/dev/null || log "could not stop the JFR recording"
fi
bench_service_memory # HWM_KB: of the restore alone when HWM_RESET=yes
bench_stop_service

# ------------------------------------------------------------------------------------------------ analysis
# The restore's own JSON (rtoSeconds, validation) and the service log's milestones, relative to the POST.
read -r RTO RPO V_TABLES V_ROWS V_DIFFS V_BUCKET V_ERROR < <(python3 - "$RUN/restore-status.json" <<'PYEOF'
import json, sys
try:
    b = json.load(open(sys.argv[1]))
except Exception:
    b = {}
v = b.get("validation") or {}
if not isinstance(v, dict):
    v = {}
err = (b.get("errorMessage") or b.get("message") or "-").replace("\n", " ")
na = lambda x: "-" if x is None else x
print(na(b.get("rtoSeconds")), na(b.get("rpoSeconds")), v.get("tablesChecked", "?"), v.get("rowsChecked", "?"),
      len(v.get("differences") or []), b.get("sourceBucket") or "-", err)
PYEOF
)
# milestones from the service log (local time with ms): started, loaded, verified
LOG_TIMES=$(python3 - "$SERVICE_LOG" "${RESTORE_ID:-0}" "$BACKUP_ID" <<'PYEOF'
import datetime, re, sys
path, rid, bid = sys.argv[1], sys.argv[2], sys.argv[3]
marks = {"started": rf"Restore {rid} of backup", "loaded": rf"Backup {bid} loaded into", "verified": rf"Restore {rid} (verified|failed)"}
found = {}
for line in open(path, errors="replace"):
    m = re.match(r"(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}) ", line)
    if not m:
        continue
    for k, pat in marks.items():
        if k not in found and re.search(pat, line):
            found[k] = datetime.datetime.strptime(m.group(1), "%Y-%m-%d %H:%M:%S.%f").timestamp()
print(" ".join(f"{k}={found[k]:.3f}" for k in marks if k in found))
PYEOF
)
rel() { calc "sprintf(\"%.1f\", $1 - $t0)"; }
PHASES=""
T_LOG_STARTED="" T_LOG_LOADED="" T_LOG_VERIFIED=""
for kv in $LOG_TIMES; do
  case $kv in
  started=*) T_LOG_STARTED=${kv#*=} ;;
  loaded=*) T_LOG_LOADED=${kv#*=} ;;
  verified=*) T_LOG_VERIFIED=${kv#*=} ;;
  esac
done
if [[ -n $T_CLIENT_START && ($RESTORE_STATUS == verified || $RESTORE_STATUS == failed) ]]; then
  PHASES="client started $(rel "$T_CLIENT_START") s (SHA-256 read before it), client exited $(rel "$T_CLIENT_END") s"
  [[ -n $T_LOG_LOADED ]] && PHASES+=", 'loaded' logged $(rel "$T_LOG_LOADED") s"
  [[ -n $T_LOG_VERIFIED ]] && PHASES+=", '$RESTORE_STATUS' logged $(rel "$T_LOG_VERIFIED") s"
  PHASES+=", seen ${SVC_SECS} s"
  P_VERIFY=$(calc "sprintf(\"%.1f\", $T_CLIENT_START - $t0)")
  P_LOAD=$(calc "sprintf(\"%.1f\", $T_CLIENT_END - $T_CLIENT_START)")
  if [[ -n $T_LOG_LOADED && -n $T_LOG_VERIFIED ]]; then
    P_VALIDATE=$(calc "sprintf(\"%.1f\", $T_LOG_VERIFIED - $T_LOG_LOADED)")
    P_REST=$(calc "sprintf(\"%.1f\", $t1 - $T_LOG_VERIFIED)")
  else
    P_VALIDATE="?" P_REST="?"
  fi
fi

# Where the JVM's CPU went during the restore (BENCH_RESTORE_PROFILE=1): JFR execution samples of all threads,
# by top frame (self) and by what the stack contains (inclusive).
if [[ ${BENCH_RESTORE_PROFILE:-0} == 1 && -s $WORK/restore.jfr ]]; then
  jfr print --events jdk.ExecutionSample --stack-depth 64 "$WORK/restore.jfr" >"$RUN/samples.txt" 2>/dev/null || true
  PROFILE=$(python3 - "$RUN/samples.txt" <<'PYEOF'
import collections, re, sys
events, stack, inside = [], [], False
for line in open(sys.argv[1], errors="replace"):
    s = line.strip()
    if s.startswith("stackTrace = ["):
        inside, stack = True, []
    elif inside and s.startswith("]"):
        inside = False
        events.append(stack)
    elif inside and s and s != "...":
        stack.append(re.sub(r"\(.*", "", s))
n = len(events) or 1
top = collections.Counter(st[0] for st in events if st)
groups = [("OpenPGP decryption (org.bouncycastle)", "org.bouncycastle."), ("gunzip (java.util.zip.Inflater)", "java.util.zip.Inflater"),
          ("RestoreRewriter", "RestoreRewriter"), ("pipe to the client (FileOutputStream.write)", "java.io.FileOutputStream.write"),
          ("SHA-256 pre-check (ArtifactLocator)", "ArtifactLocator"), ("validation (RestoreValidator)", "RestoreValidator"),
          ("S3 read (embedded store / SDK)", "software.amazon.awssdk")]
out = [f"{len(events)} samples"]
out += [f"{name} {100 * sum(any(key in f for f in st) for st in events) / n:.0f} %" for name, key in groups]
out.append("top frames: " + ", ".join(f"{f.rsplit('.', 2)[-2]}.{f.rsplit('.', 1)[-1]} {100 * c / n:.0f} %" for f, c in top.most_common(6)))
print("; ".join(out))
PYEOF
  )
fi

# The object read alone, as the pre-verification does it (page cache warm, as in the service).
t=$(now)
sha256sum "$artifact" >/dev/null
SHA_SECS=$(calc "sprintf(\"%.2f\", $(now) - $t)")

CHECKSUMS="not compared (the service restore did not verify)"
CHECKSUM_OK=no
if [[ $RESTORE_STATUS == verified ]]; then
  log "comparing the two restored databases (CHECKSUM TABLE)"
  t=$(now)
  tables() {
    mysql_root -N -e "SELECT table_name FROM information_schema.tables WHERE table_schema='$1' AND table_type='BASE TABLE' ORDER BY 1"
  }
  checksums() { # DB TABLES... -> "table checksum" lines
    local db=$1 list="" tb
    shift
    for tb in "$@"; do list+="${list:+, }\`$db\`.\`$tb\`"; done
    mysql_root -N -e "CHECKSUM TABLE $list" | awk -F'\t' '{ sub(/^[^.]*\./, "", $1); print $1, $2 }'
  }
  mapfile -t base_tables < <(tables "$BASE_DB")
  mapfile -t svc_tables < <(tables "$SVC_DB")
  if [[ ${base_tables[*]} != "${svc_tables[*]}" ]]; then
    CHECKSUMS="FAIL (tables differ: baseline ${base_tables[*]}; service ${svc_tables[*]})"
  elif ((${#base_tables[@]} == 0)); then
    CHECKSUMS="FAIL (no tables)"
  else
    checksums "$BASE_DB" "${base_tables[@]}" >"$RUN/checksum-baseline.txt"
    checksums "$SVC_DB" "${svc_tables[@]}" >"$RUN/checksum-service.txt"
    if cmp -s "$RUN/checksum-baseline.txt" "$RUN/checksum-service.txt" && ! grep -q -w NULL "$RUN/checksum-baseline.txt"; then
      CHECKSUM_OK=yes
      CHECKSUMS="PASS (${#base_tables[@]} tables, CHECKSUM TABLE equal: $(awk '{ printf "%s%s=%s", (NR > 1 ? ", " : ""), $1, $2 }' "$RUN/checksum-baseline.txt"); $(calc "sprintf(\"%.0f\", $(now) - $t)") s)"
    else
      CHECKSUMS="FAIL ($(diff "$RUN/checksum-baseline.txt" "$RUN/checksum-service.txt" | grep '^[<>]' | tr '\n' ' '))"
    fi
  fi
fi

# Optional diagnostics: the baseline again with the binary log off for its session, as the service loads.
DIAG=""
if [[ ${BENCH_RESTORE_DIAG:-0} == 1 ]]; then
  mysql_root -e "SET SESSION sql_log_bin=0; DROP DATABASE IF EXISTS \`$BASE_DB\`"
  baseline_restore "$BASE_DB_NOBINLOG" "SET SESSION sql_log_bin=0;"
  DIAG="baseline with SET SESSION sql_log_bin=0: ${B_SECS} s (binlog written $(mb "$B_BINLOG") MB, settled in ${SETTLE_SECS} s)"
fi

# ------------------------------------------------------------------------------------------------ report
RATIO=""
[[ $RESTORE_STATUS == verified ]] && RATIO=$(calc "sprintf(\"%.2f\", $SVC_SECS / $BASE_SECS)")
{
  echo "==== gorgen-backup restore benchmark ($(date -u +%Y-%m-%dT%H:%M:%SZ), $(nproc) cores) ===="
  echo "database           gorgen, ~${SIZE_MB} MB target, InnoDB data+index $(mb "$DATA_BYTES") MB$([[ $FRESH == 1 ]] && echo ' (built this run)' || echo ' (cached)')"
  echo "backup             id $BACKUP_ID, full, taken by the service in ${BACKUP_SECS} s"
  echo "dump size          $(mb "$PLAIN_BYTES") MB ($PLAIN_BYTES bytes, manifest plaintextBytes)"
  echo "stored size        $(mb "$STORED_BYTES") MB ($STORED_BYTES bytes, .sql.gz.gpg; SHA-256 of it alone: ${SHA_SECS} s)"
  echo "baseline           ${BASE_SECS} s  $(calc "sprintf(\"%.1f\", $PLAIN_BYTES / 1048576 / $BASE_SECS)") MB/s  (gpg --decrypt | gunzip | mariadb into $BASE_DB; binlog written $(mb "$BASE_BINLOG") MB)"
  if [[ $RESTORE_STATUS == verified ]]; then
    echo "service            ${SVC_SECS} s  $(calc "sprintf(\"%.1f\", $PLAIN_BYTES / 1048576 / $SVC_SECS)") MB/s  (POST to status=verified; rtoSeconds $RTO, rpoSeconds $RPO; binlog written $(mb "$SVC_BINLOG") MB)"
  else
    echo "service            ${SVC_SECS} s until: $RESTORE_STATUS (rtoSeconds $RTO; error: $V_ERROR)"
  fi
  [[ -n $PHASES ]] && echo "service timeline   $PHASES (from the POST)"
  [[ -n $PHASES ]] && echo "service phases     SHA-256 pre-check + CREATE DATABASE ${P_VERIFY} s, load ${P_LOAD} s, validation ${P_VALIDATE} s, record + poll ${P_REST} s"
  [[ -n $CLIENT_ARGS ]] && echo "service client     $CLIENT_ARGS"
  echo "CPU seconds        baseline: $BASE_CPU; service: $SVC_CPU"
  echo "settling           ${BASE_SETTLE} s before the baseline, ${SVC_SETTLE} s before the service (dirty pages written back, not timed)"
  [[ -n $DIAG ]] && echo "diagnostic         $DIAG"
  [[ -n $PROFILE ]] && echo "JVM profile        $PROFILE (JFR, $WORK/restore.jfr)"
  if [[ -n $RATIO ]]; then
    echo "ratio              ${RATIO} (service / baseline, target <= $RATIO_TARGET)"
  fi
  echo "validation         ${V_TABLES} tables, ${V_ROWS} rows checked, ${V_DIFFS} difference(s); source bucket $V_BUCKET"
  echo "service memory     peak RSS (VmHWM) $(calc "sprintf(\"%.0f\", $HWM_KB / 1024)") MB $([[ $HWM_RESET == yes ]] && echo "during the restore" || echo "(whole run)"), $(calc "sprintf(\"%.0f\", $HWM_BACKUP_KB / 1024)") MB up to the end of the backup, RSS when idle $(calc "sprintf(\"%.0f\", $RSS_IDLE_KB / 1024)") MB, heap cap (-Xmx) $HEAP_MB MB, OutOfMemoryError in log: $OOM"
  if [[ -n $HEAP_INFO ]]; then sed 's/^/  heap after run:  /' <<<"$HEAP_INFO"; fi
  echo "databases compared $CHECKSUMS"
  if [[ $RESTORE_STATUS == verified && $OOM == no ]]; then
    echo "PASS  restore verified under -Xmx${HEAP_MB}m"
  else
    echo "FAIL  restore verified under -Xmx${HEAP_MB}m ($RESTORE_STATUS)"
  fi
  if [[ -n $RATIO ]] && awk "BEGIN { exit !($RATIO <= $RATIO_TARGET) }"; then
    echo "PASS  ratio <= $RATIO_TARGET ($RATIO)"
  else
    echo "FAIL  ratio <= $RATIO_TARGET (${RATIO:-n/a})"
  fi
  if [[ $CHECKSUM_OK == yes ]]; then
    echo "PASS  restored databases equal (CHECKSUM TABLE, baseline vs service)"
  else
    echo "FAIL  restored databases equal (CHECKSUM TABLE, baseline vs service)"
  fi
} | tee "$REPORT"

if [[ $RESTORE_STATUS != verified ]]; then
  echo "--- service log (last 40 lines of $SERVICE_LOG) ---"
  tail -40 "$SERVICE_LOG"
  echo "--- restore status ---"
  cat "$RUN/restore-status.json"
fi

log "dropping the restored databases"
drop_restored || log "could not drop every restored database"
[[ $RESTORE_STATUS == verified ]] || exit 1
exit 0
