#!/usr/bin/env bash
# Binary-log shipping and point-in-time-recovery benchmark of gorgen-backup.
#
#   bench/binlog.sh [SIZE_MB]               (or BENCH_SIZE_MB=50 bench/binlog.sh; default 20)
#   GORGEN_JAR=/path/to/gorgen-backup.jar bench/binlog.sh
#
# With a steady write load (small transactions that insert and update rows) it measures:
#   1. the extra CPU the shipping puts on mariadbd: the same load for the same time with shipping off (phases A1,
#      A2: the service runs, its schedules are in 2099) and with shipping every BENCH_BINLOG_INTERVAL seconds
#      (phases B1, B2: the service restarted with that schedule), in the order A1 B1 A2 B2;
#   2. the lag from a commit to its binary log being stored and verified in both buckets: marker rows committed
#      every few seconds during the B phases, each matched to the binary-log file that holds it (decoded from the
#      server's files) and to that file's transactional backup: its "Backup <id> succeeded" log line (ms; the history
#      API's completedAt has whole seconds), logged once both buckets hold a verified copy and the manifest is written;
#   3. the replay speed of a synthetic "day" of binary logs (BENCH_DAY_TX transactions, shipped by the service):
#      the service's point-in-time recovery to "latest" against the plain `mariadb-binlog | mariadb` pipeline run on
#      the same files from the server's datadir, into a database restored from the same full backup (the service's
#      plain restore), once before and once after the service's run (a drift of the machine cancels out).
# The source and the three replayed copies (service, baselines 1 and 2) are compared with CHECKSUM TABLE. Everything runs on a
# throwaway MariaDB with its own datadir under bench/work/run-binlog/ (no cached database is touched).
# See bench/README.md for the shared set-up (lib.sh). Settings (environment, defaults in brackets):
# BENCH_BINLOG_INTERVAL (10 s), BENCH_TX_RATE (40 tx/s), BENCH_PHASE_SECS (40), BENCH_MARKER_SECS (3), BENCH_DAY_TX
# (80000), BENCH_REPLAY_TRX_COMMIT (2), BENCH_RESTORE_TIMEOUT, BENCH_SHIP_TIMEOUT, GORGEN_JAR, GORGEN_SERVICE_FILES.
# About 8 minutes on 2 cores with the defaults.
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(dirname "$BENCH_DIR")
WORK=$BENCH_DIR/work
# shellcheck source=bench/lib.sh
. "$BENCH_DIR/lib.sh"
bench_size_arg "${1:-${BENCH_SIZE_MB:-20}}"

INTERVAL=${BENCH_BINLOG_INTERVAL:-10}   # shipping interval in the B phases, seconds (divides 60)
TX_RATE=${BENCH_TX_RATE:-40}            # transactions per second of the steady load
PHASE_SECS=${BENCH_PHASE_SECS:-40}      # length of each of the 4 load phases (A1 B1 A2 B2; A without shipping)
MARKER_SECS=${BENCH_MARKER_SECS:-3}     # a marker row every this many seconds of the steady load
DAY_TX=${BENCH_DAY_TX:-80000}           # transactions of the synthetic "day" of binary logs
# innodb_flush_log_at_trx_commit during the replays: 2 (default) keeps the shared disk's fsync latency (one fsync per
# replayed transaction with 1) from dominating and scattering the timings; 1 measures a production-like server.
REPLAY_TRX_COMMIT=${BENCH_REPLAY_TRX_COMMIT:-2}
SERVICE_TIMEOUT=${BENCH_SERVICE_TIMEOUT:-$((300 + SIZE_MB))}
RESTORE_TIMEOUT=${BENCH_RESTORE_TIMEOUT:-$((600 + 2 * SIZE_MB + DAY_TX / 100))}
SHIP_TIMEOUT=${BENCH_SHIP_TIMEOUT:-$((4 * INTERVAL + 120))} # longest wait for the service to ship what was written
NEVER="0 0 0 1 1 ? 2099"
for v in INTERVAL TX_RATE PHASE_SECS MARKER_SECS DAY_TX; do
  [[ ${!v} =~ ^[0-9]+$ ]] && ((${!v} > 0)) || { echo "$v must be a positive whole number" >&2; exit 2; }
done
[[ $REPLAY_TRX_COMMIT =~ ^[012]$ ]] || { echo "BENCH_REPLAY_TRX_COMMIT must be 0, 1 or 2" >&2; exit 2; }
((INTERVAL < 60 && 60 % INTERVAL == 0)) || { echo "BENCH_BINLOG_INTERVAL must divide 60 (e.g. 5, 10, 15, 30)" >&2; exit 2; }
CRON="0/$INTERVAL * * * * ?"

RUN=$WORK/run-binlog # recreated on every run; holds this run's datadir too
SERVICE_LOG=$WORK/service-binlog-1.log # one per service start: service-binlog-1.log .. -4.log
MARIADB_LOG=$WORK/mariadb-binlog.log
REPORT=$WORK/binlog-report.txt

bench_lock
bench_check_tools mariadb-binlog pgrep sort
bench_install_cleanup
bench_find_jar
bench_new_run_dir
# A private datadir, built fresh every run: the write load changes the data, so the cached datasets of the other
# benchmarks are not used.
DBDIR=$RUN/db
D=$DBDIR/data
bench_cleanup_hook() { rm -f "$RUN/bench-secret.asc"; }

CLK_TCK=$(getconf CLK_TCK)
cpu_self() { awk -v hz="$CLK_TCK" '{ printf "%.2f", ($14 + $15) / hz }' "/proc/$1/stat"; }
cpu_children() { awk -v hz="$CLK_TCK" '{ printf "%.2f", ($16 + $17) / hz }' "/proc/$1/stat"; }
cpu_delta() { calc "sprintf(\"%.2f\", $2 - $1)"; }
secs() { calc "sprintf(\"%.2f\", $2 - $1)"; }
binlog_num() { echo $((10#${1##*.})); }
current_binlog() { mysql_root -N -e "SHOW MASTER STATUS" | awk '{ print $1 }'; }
# The file holding the last transaction written so far: the current file, or the one before it when the current one
# holds no transaction yet (the service rotated it since): waiting until that file is shipped cannot race a rotation.
last_written_binlog() {
  local f
  f=$(current_binlog)
  if mysql_root -N -e "SHOW BINLOG EVENTS IN '$f' LIMIT 12" | awk -F'\t' '$3 == "Gtid" { found = 1 } END { exit !found }'; then
    echo "$f"
  else
    printf '%s.%06d\n' "${f%.*}" $(($(binlog_num "$f") - 1))
  fi
}
dirty_pages() { mysql_root -N -e "SHOW GLOBAL STATUS LIKE 'Innodb_buffer_pool_pages_dirty'" | awk '{ print $2 }'; }

history_len() { mysql_root -N -e "SHOW ENGINE INNODB STATUS" | grep -o 'History list length [0-9]*' | awk '{ print $4 }'; }
# settle: InnoDB purges the undo log of what ran before and writes back its dirty pages (high I/O capacity for the
# while), and the OS its page cache, so that no measured step pays for the one before. Sets SETTLE_SECS.
settle() {
  local t pct cap capmax deadline
  t=$(now)
  read -r pct cap capmax < <(mysql_root -N -e "SELECT @@GLOBAL.innodb_max_dirty_pages_pct, @@GLOBAL.innodb_io_capacity, @@GLOBAL.innodb_io_capacity_max")
  mysql_root -e "SET GLOBAL innodb_io_capacity_max = 40000; SET GLOBAL innodb_io_capacity = 20000;
    SET GLOBAL innodb_max_dirty_pages_pct = 0"
  deadline=$((SECONDS + 300))
  while (($(history_len) > 100)) && ((SECONDS < deadline)); do sleep 0.3; done
  while (($(dirty_pages) > 50)) && ((SECONDS < deadline)); do sleep 0.3; done
  mysql_root -e "SET GLOBAL innodb_max_dirty_pages_pct = $pct; SET GLOBAL innodb_io_capacity = $cap;
    SET GLOBAL innodb_io_capacity_max = $capmax"
  sync
  SETTLE_SECS=$(calc "sprintf(\"%.1f\", $(now) - $t)")
}

# The successful transactional rows (shipped files) as "id file endPosition startedAt completedAt firstEventAt
# lastEventAt" lines, oldest file first, in $RUN/shipped.txt; sets SHIPPED_LAST (the newest file shipped, or "").
fetch_shipped() {
  local body
  body=$(api GET '/api/backup/history?type=transactional&status=success&limit=1000') || return 1
  [[ $(cat "$RUN/http_status") == 200 ]] || return 1
  python3 -c '
import json, sys
rows = json.loads(sys.stdin.read()).get("backups") or []
rows = [r for r in rows if r.get("status") == "success" and r.get("binlogFile")]
rows.sort(key=lambda r: (int(r["binlogFile"].rsplit(".", 1)[1]), r["id"]))
for r in rows:
    print(r["id"], r["binlogFile"], r.get("binlogPosition"), r.get("startedAt"), r.get("completedAt"),
          r.get("firstEventAt"), r.get("lastEventAt"))' <<<"$body" >"$RUN/shipped.txt" || return 1
  SHIPPED_LAST=$(tail -1 "$RUN/shipped.txt" | awk '{ print $2 }')
}

# wait_shipped FILE: until the service has shipped FILE (and so everything before it); sets SHIP_WAIT_SECS.
wait_shipped() {
  local target=$1 t deadline
  t=$(now)
  deadline=$((SECONDS + SHIP_TIMEOUT))
  while :; do
    SHIPPED_LAST=""
    fetch_shipped 2>/dev/null || true
    if [[ -n $SHIPPED_LAST ]] && (($(binlog_num "$SHIPPED_LAST") >= $(binlog_num "$target"))); then break; fi
    kill -0 "$SERVICE_PID" 2>/dev/null || die "the service died while shipping (see $SERVICE_LOG)"
    ((SECONDS < deadline)) || { tail -30 "$SERVICE_LOG" >&2; die "$target not shipped within $SHIP_TIMEOUT s (last shipped: ${SHIPPED_LAST:-none})"; }
    sleep 0.5
  done
  SHIP_WAIT_SECS=$(secs "$t" "$(now)")
}

# ------------------------------------------------------------------------------------------------ write load
# load.py MODE N RATE MARKER_SECS PHASE NPAC SEED: SQL on stdout for one `mariadb` session.
#   paced: N seconds at RATE transactions/s, a marker row every MARKER_SECS s (the first at the start)
#   bulk:  N transactions as fast as the server takes them, no marker
# A transaction either updates a patient and logs it (80 %) or records an encounter (a larger row; its trigger
# updates the patient) and logs it (20 %). Prints the number of transactions written to stderr.
write_load_generator() {
  cat >"$RUN/load.py" <<'PYEOF'
import random, sys, time

mode, n, rate, marker_secs, phase, npac, seed = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4]), sys.argv[5], int(sys.argv[6]), int(sys.argv[7])
r = random.Random(seed)
out = sys.stdout
USERS = ["dra.ana", "dr.joao", "recepcao.maria", "dr.otavio", "enf.lucia", "dra.celia", "adm.sergio"]
AGENTS = ["Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/120.0 Safari/537.36",
          "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_2) AppleWebKit/605.1.15 Version/17.2 Safari/605.1.15",
          "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 Chrome/120.0 Mobile Safari/537.36"]
SENT = ["Paciente refere dor abdominal difusa há 3 dias, sem febre.", "Nega alergias medicamentosas conhecidas.",
        "Pressão arterial 130/85 mmHg, frequência cardíaca 78 bpm.", "Ausculta pulmonar sem ruídos adventícios.",
        "Abdome flácido, indolor à palpação, sem visceromegalias.", "Orientada quanto a sinais de alarme.",
        "Solicitados hemograma, glicemia de jejum e TSH.", "Retorno em 30 dias com exames.",
        "Refere melhora parcial com analgésico comum.", "Histórico familiar de hipertensão e diabetes tipo 2.",
        "Exame físico sem alterações significativas.", "Mantida a conduta anterior, sem intercorrências.",
        "Queixa de cefaleia holocraniana ao final do dia.", "Sono irregular, insônia inicial há duas semanas."]
DX = [("Hipertensão essencial", "I10"), ("Dor abdominal", "R10.4"), ("Cefaleia", "R51"), ("Insônia", "G47.0"),
      ("Diabetes mellitus tipo 2", "E11.9"), ("Ansiedade generalizada", "F41.1"), ("Lombalgia", "M54.5")]


def text(a, b):
    return " ".join(r.choice(SENT) for _ in range(r.randint(a, b)))


def audit(ten, acao, ent, eid):
    return (f"INSERT INTO audit_logs (tenant_id, usuario, acao, entidade, entidade_id, ip, user_agent, detalhes) VALUES "
            f"({ten}, '{r.choice(USERS)}', '{acao}', '{ent}', {eid}, '10.0.{r.randint(0, 254)}.{r.randint(1, 254)}', "
            f"'{r.choice(AGENTS)}', '{{\"campos\":[\"telefone\"],\"sessao\":\"{r.getrandbits(64):016x}\"}}');")


def tx():
    pid = r.randint(1, npac)
    ten = pid % 3 + 1
    if r.random() < 0.2:
        dx, cid = r.choice(DX)
        return (f"BEGIN; INSERT INTO atendimentos (tenant_id, paciente_id, data_hora, tipo, profissional, queixa_principal, "
                f"anamnese, exame_fisico, hipotese_diagnostica, cid10, conduta, prescricao, valor, status, criado_em) VALUES "
                f"({ten}, {pid}, NOW(), 'consulta', 'Dra. Ana Gorgen', '{r.choice(SENT)}', '{text(2, 6)}', '{text(1, 3)}', "
                f"'{dx}', '{cid}', '{text(1, 3)}', NULL, {r.randint(20, 90) * 5}.00, 'realizado', NOW(3)); "
                f"{audit(ten, 'atendimento.criar', 'atendimento', 'LAST_INSERT_ID()')} COMMIT;\n")
    return (f"BEGIN; UPDATE pacientes SET telefone = '5551{r.randint(10000000, 99999999)}', atualizado_em = NOW(3) "
            f"WHERE id = {pid}; {audit(ten, 'paciente.atualizar', 'paciente', pid)} COMMIT;\n")


count = 0
if mode == "bulk":
    chunk = []
    for count in range(1, n + 1):
        chunk.append(tx())
        if len(chunk) == 500:
            out.write("".join(chunk))
            chunk = []
    out.write("".join(chunk))
else:
    t0 = time.monotonic()
    next_marker = t0
    while True:
        now = time.monotonic()
        if now - t0 >= n:
            break
        due = t0 + count / rate
        if due > now:
            time.sleep(due - now)
        if time.monotonic() >= next_marker:
            out.write(f"INSERT INTO bench_marker (phase) VALUES ('{phase}');\n")
            next_marker += marker_secs
        out.write(tx())
        out.flush()
        count += 1
out.flush()
print(count, file=sys.stderr)
PYEOF
}

# run_load MODE N PHASE SEED: the generator into one client session (the bench user over TCP, like an application);
# sets LOAD_TX, LOAD_SECS, CPU_DB (mariadbd), CPU_JVM (the service itself), CPU_JVM_CHILDREN (its mariadb-binlog
# children, reaped) over the window, from the first statement sent to the client's exit.
run_load() {
  local mode=$1 n=$2 phase=$3 seed=$4 t0 t1 db0 jvm0 kid0 st limit
  [[ $mode == paced ]] && limit=$((n + 120)) || limit=$((STEP_TIMEOUT + n / 50))
  db0=$(cpu_self "$MARIADB_PID")
  jvm0=$(cpu_self "$SERVICE_PID")
  kid0=$(cpu_children "$SERVICE_PID")
  t0=$(now)
  set +e
  timeout --foreground "$limit" python3 "$RUN/load.py" "$mode" "$n" "$TX_RATE" "$MARKER_SECS" "$phase" "$NPAC" "$seed" 2>"$RUN/load-$phase.count" |
    timeout --foreground "$limit" mariadb --defaults-extra-file="$RUN/client.cnf" --default-character-set=utf8mb4 --batch gorgen \
      >/dev/null 2>"$RUN/load-$phase.err"
  st=("${PIPESTATUS[@]}")
  set -e
  t1=$(now)
  [[ ${st[*]} == "0 0" ]] || { cat "$RUN/load-$phase.count" "$RUN/load-$phase.err" >&2; die "write load $phase failed (exit codes ${st[*]})"; }
  CPU_DB=$(cpu_delta "$db0" "$(cpu_self "$MARIADB_PID")")
  CPU_JVM=$(cpu_delta "$jvm0" "$(cpu_self "$SERVICE_PID")")
  CPU_JVM_CHILDREN=$(cpu_delta "$kid0" "$(cpu_children "$SERVICE_PID")")
  LOAD_TX=$(tail -1 "$RUN/load-$phase.count")
  LOAD_SECS=$(secs "$t0" "$t1")
}

# ------------------------------------------------------------------------------------------------ MariaDB, data, keys
bench_start_mariadb
bench_prepare_database
NPAC=$(mysql_root -N gorgen -e "SELECT MAX(id) FROM pacientes")
mysql_root gorgen -e "SET SESSION sql_log_bin=0;
  CREATE TABLE bench_marker (id INT AUTO_INCREMENT PRIMARY KEY, phase CHAR(1) NOT NULL,
    at TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6)) ENGINE=InnoDB"
write_load_generator
bench_gen_key
(umask 077 && gpg --batch --pinentry-mode loopback --passphrase '' --armor --export-secret-keys "$FPR" \
  >"$RUN/bench-secret.asc") || die "cannot export the secret key"

# Both service runs: the decryption key, restores on the same server, the other schedules out of the way.
SERVICE_ENV_COMMON=(
  BACKUP_PGP_PRIVATE_KEY_FILE="$RUN/bench-secret.asc"
  BACKUP_PGP_PASSPHRASE=
  BACKUP_RESTORE_DATABASE_URL="mysql://bench:$DB_PASSWORD@127.0.0.1:$DB_PORT/gorgen"
  BACKUP_DATABASE_FULL_CRON="$NEVER"
  BACKUP_DATABASE_INCREMENTAL_CRON="$NEVER"
  BACKUP_DRILL_CRON="$NEVER"
  BACKUP_DOCUMENTS_FULL_CRON="$NEVER"
  BACKUP_DOCUMENTS_INCREMENTAL_CRON="$NEVER"
)

# service_start off|on N: the service with shipping off (its schedule in 2099) or every INTERVAL s, log in
# $WORK/service-binlog-N.log; "on" then waits until it has shipped everything written so far.
SERVICE_LOGS=()
service_start() {
  local mode=$1 cron=$NEVER last
  [[ $mode == on ]] && cron=$CRON
  last=$(last_written_binlog)
  SERVICE_LOG=$WORK/service-binlog-$2.log
  SERVICE_LOGS+=("$SERVICE_LOG")
  SERVICE_ENV_EXTRA=("${SERVICE_ENV_COMMON[@]}" BACKUP_BINLOG_CRON="$cron")
  bench_start_service master
  if [[ $mode == on ]]; then
    log "service up, shipping every $INTERVAL s; waiting until it has shipped $last (everything written so far)"
    wait_shipped "$last"
    log "caught up in ${SHIP_WAIT_SECS} s (shipped through $SHIPPED_LAST)"
  else
    log "service up, shipping off"
  fi
}

# phase A1|A2|B1|B2 SEED: settle, then PHASE_SECS of the steady load; sets <phase>_TX, _SECS, _CPU (mariadbd),
# _JVM, _KIDS (the service and its reaped children), _FIRST and _LAST (binary-log files written).
phase() {
  local p=$1
  settle
  log "phase $p: ${PHASE_SECS} s of load at $TX_RATE tx/s, shipping $([[ $p == B* ]] && echo "every $INTERVAL s" || echo off) (settled in ${SETTLE_SECS} s)"
  printf -v "${p}_FIRST" '%s' "$(current_binlog)"
  run_load paced "$PHASE_SECS" "${p:0:1}" "$2"
  printf -v "${p}_LAST" '%s' "$(last_written_binlog)"
  printf -v "${p}_TX" '%s' "$LOAD_TX"
  printf -v "${p}_SECS" '%s' "$LOAD_SECS"
  printf -v "${p}_CPU" '%s' "$CPU_DB"
  printf -v "${p}_JVM" '%s' "$CPU_JVM"
  printf -v "${p}_KIDS" '%s' "$CPU_JVM_CHILDREN"
  log "phase $p: $LOAD_TX transactions in ${LOAD_SECS} s; mariadbd CPU ${CPU_DB} s, service ${CPU_JVM} s (+ children ${CPU_JVM_CHILDREN} s)"
}

# ------------------------------------------------------------------------------------------------ full backup, A1
service_start off 1
log "taking the full backup the recovery starts from"
bench_full_backup
[[ $STATUS == success ]] || { tail -40 "$SERVICE_LOG" >&2; die "the full backup did not succeed ($STATUS)"; }
FULL_ID=$BACKUP_ID
FULL_SECS=$SVC_SECS
api GET '/api/backup/history?type=full&limit=5' >"$RUN/full.json"
read -r FULL_FILE FULL_POS < <(python3 -c '
import json, sys
b = [r for r in json.load(open(sys.argv[1]))["backups"] if r["id"] == int(sys.argv[2])][0]
print(b["binlogFile"], b["binlogPosition"])' "$RUN/full.json" "$FULL_ID")
log "full backup $FULL_ID in ${FULL_SECS} s, binary-log coordinates $FULL_FILE:$FULL_POS"
# Phases alternate A B A B (a restart of the service between each), so that a drift of the shared machine's speed
# does not land on one side only.
phase A1 11
bench_stop_service
service_start on 2
phase B1 22
log "waiting until the service has shipped $B1_LAST (phase B1's last marker)"
wait_shipped "$B1_LAST"
bench_stop_service
service_start off 3
phase A2 33
bench_stop_service
service_start on 4 # runs to the end: B2, the day, the restores
phase B2 44
log "waiting until the service has shipped $B2_LAST (phase B2's last marker)"
wait_shipped "$B2_LAST"

# ------------------------------------------------------------------------------------------------ lag
# Which file holds each phase-B marker: decoded from the server's own files (ROW events, -v).
{
  for n in $(seq "$(binlog_num "$B1_FIRST")" "$(binlog_num "$B1_LAST")") $(seq "$(binlog_num "$B2_FIRST")" "$(binlog_num "$B2_LAST")"); do
    f=$(printf '%s.%06d' "${FULL_FILE%.*}" "$n")
    printf '=FILE %s\n' "$f"
    mariadb-binlog --no-defaults --base64-output=decode-rows -v "$D/$f" 2>/dev/null | grep -A3 '^### INSERT INTO `gorgen`.`bench_marker`' || true
  done
} >"$RUN/markers-decoded.txt"
cat "${SERVICE_LOGS[@]}" >"$RUN/service-logs.txt"
mysql_root -N gorgen -e "SELECT id, UNIX_TIMESTAMP(at) FROM bench_marker WHERE phase = 'B' ORDER BY id" >"$RUN/markers.txt"
read -r LAG_N LAG_MISSING LAG_MEDIAN LAG_P90 LAG_MAX LAG_MIN SHIP_FILES SHIP_MEDIAN SHIP_MAX LAG_CLOCK < <(env -u TZ python3 - "$RUN/markers-decoded.txt" "$RUN/markers.txt" "$RUN/shipped.txt" "$RUN/service-logs.txt" <<'PYEOF'
import datetime, re, statistics, sys
decoded, markers, shipped, service_log = sys.argv[1:5]
num = lambda f: int(f.rsplit(".", 1)[1])
file_of, cur, want, decoded_files = {}, None, False, set()
for line in open(decoded):
    if line.startswith("=FILE "):
        cur = line.split()[1]
        decoded_files.add(cur)
    elif line.startswith("### INSERT INTO `gorgen`.`bench_marker`"):
        want = True
    elif want and (m := re.match(r"###\s+@1=(\d+)", line)):
        file_of[int(m.group(1))] = cur
        want = False
# start and end of each transactional backup from the service log (ms; the history API gives whole seconds)
started, succeeded = {}, {}
for line in open(service_log, errors="replace"):
    m = re.match(r"(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}) .*BackupCoordinator - Backup (\d+) (\(transactional\) started|succeeded)", line)
    if m:
        t = datetime.datetime.strptime(m.group(1), "%Y-%m-%d %H:%M:%S.%f").timestamp()
        (started if "started" in m.group(3) else succeeded)[int(m.group(2))] = t
iso = lambda s: datetime.datetime.fromisoformat(s.replace("Z", "+00:00")).timestamp()
# The log's local time must agree with completedAt (whole seconds, cut): else fall back to completedAt + 0.5 s.
offsets = sorted(succeeded[int(l.split()[0])] - iso(l.split()[4]) for l in open(shipped) if int(l.split()[0]) in succeeded)
clock = "log" if offsets and -0.1 <= offsets[len(offsets) // 2] < 1.1 else "completedAt"
if clock != "log":
    started, succeeded = {}, {}
done, took = {}, []
for line in open(shipped):
    bid, f, _pos, start_at, completed_at, *_ = line.split()
    bid = int(bid)
    if f in done:
        continue
    end = succeeded.get(bid, iso(completed_at) + 0.5)
    done[f] = end
    if f in decoded_files:
        took.append(end - started.get(bid, iso(start_at)))
lags, missing = [], 0
for line in open(markers):
    mid, at = line.split()
    f = file_of.get(int(mid))
    if f is None or f not in done:
        missing += 1
        continue
    lags.append(done[f] - float(at))
q = lambda xs, p: sorted(xs)[min(len(xs) - 1, int(p * len(xs)))] if xs else float("nan")
f1 = lambda x: f"{x:.1f}"
print(len(lags), missing, f1(statistics.median(lags)) if lags else "nan", f1(q(lags, 0.9)), f1(max(lags)) if lags else "nan",
      f1(min(lags)) if lags else "nan", len(took), f"{statistics.median(took):.2f}" if took else "nan",
      f"{max(took):.2f}" if took else "nan", clock)
PYEOF
) || die "the lag analysis failed"
log "lag: $LAG_N markers, median ${LAG_MEDIAN} s, max ${LAG_MAX} s ($LAG_MISSING not matched)"

# ------------------------------------------------------------------------------------------------ one day of binary logs
log "generating the synthetic day: $DAY_TX transactions as fast as the server takes them (shipping keeps running)"
mysql_root -e "SET GLOBAL innodb_flush_log_at_trx_commit = 2"
run_load bulk "$DAY_TX" D 33
mysql_root -e "SET GLOBAL innodb_flush_log_at_trx_commit = 1"
DAY_SECS=$LOAD_SECS
DAY_END_FILE=$(last_written_binlog)
log "day written in ${DAY_SECS} s ($(calc "sprintf(\"%.0f\", $DAY_TX / $DAY_SECS)") tx/s); waiting until $DAY_END_FILE is shipped"
wait_shipped "$DAY_END_FILE"
log "shipped through $SHIPPED_LAST, ${SHIP_WAIT_SECS} s after the last commit"
api GET /api/backup/status >"$RUN/status.json"

DAY_BYTES=0
for n in $(seq $(($(binlog_num "$B2_LAST") + 1)) "$(binlog_num "$DAY_END_FILE")"); do
  DAY_BYTES=$((DAY_BYTES + $(stat -c %s "$D/$(printf '%s.%06d' "${FULL_FILE%.*}" "$n")")))
done

# ------------------------------------------------------------------------------------------------ restores
# restore_run PATH BODY: POST, then GET /api/backup/restore/<id> every 0.1 s until verified or failed. Notes the
# service's mariadb-binlog child (the replay pipeline) and its pitr-* work folder (download + decryption + replay).
# Sets R_ID, R_DB, R_STATUS, R_SECS, R_T0, R_T1, R_PIPE_START, R_PIPE_END, R_WORK_START, R_WORK_END, R_BODY.
restore_run() {
  local path=$1 data=$2 code body deadline t cpid
  R_ID="" R_DB="" R_PIPE_START="" R_PIPE_END="" R_WORK_START="" R_WORK_END=""
  R_T0=$(now)
  api POST "$path" -H 'Content-Type: application/json' --data "$data" >"$RUN/restore-start.json" || true
  code=$(cat "$RUN/http_status")
  [[ $code == 202 ]] || { cat "$RUN/restore-start.json" >&2; die "POST $path answered HTTP $code"; }
  read -r R_ID R_DB < <(python3 -c 'import json,sys; b=json.load(open(sys.argv[1])); print(b["restoreId"], b["database"])' "$RUN/restore-start.json")
  R_STATUS=running
  deadline=$((SECONDS + RESTORE_TIMEOUT))
  while :; do
    body=$(api GET "/api/backup/restore/$R_ID" 2>/dev/null || true)
    if [[ $body =~ \"status\"[[:space:]]*:[[:space:]]*\"([a-z_]+)\" ]]; then
      R_STATUS=${BASH_REMATCH[1]}
      [[ $R_STATUS == verified || $R_STATUS == failed ]] && break
    fi
    kill -0 "$SERVICE_PID" 2>/dev/null || { R_STATUS="service died"; break; }
    t=$(now)
    if compgen -G "$RUN/service-data/spool/pitr-*" >/dev/null; then
      [[ -n $R_WORK_START ]] || R_WORK_START=$t
    elif [[ -n $R_WORK_START && -z $R_WORK_END ]]; then
      R_WORK_END=$t
    fi
    # the replay's mariadb-binlog (a shipping run's fetch is another mariadb-binlog child: no --start-position)
    if cpid=$(pgrep -P "$SERVICE_PID" -f 'mariadb-binlog .*--start-position=' | head -1) && [[ -n $cpid ]]; then
      [[ -n $R_PIPE_START ]] || R_PIPE_START=$t
    elif [[ -n $R_PIPE_START && -z $R_PIPE_END ]]; then
      R_PIPE_END=$t
    fi
    ((SECONDS < deadline)) || { R_STATUS="timeout after ${RESTORE_TIMEOUT} s"; break; }
    sleep 0.1
  done
  R_T1=$(now)
  R_BODY=$body
  printf '%s\n' "$body" >"$RUN/restore-$R_ID.json"
  R_SECS=$(secs "$R_T0" "$R_T1")
}
# log_time PATTERN: epoch of the first service-log line matching PATTERN (ms), or "".
log_time() {
  env -u TZ python3 - "$SERVICE_LOG" "$1" <<'PYEOF'
import datetime, re, sys
for line in open(sys.argv[1], errors="replace"):
    m = re.match(r"(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}) ", line)
    if m and re.search(sys.argv[2], line):
        print(f'{datetime.datetime.strptime(m.group(1), "%Y-%m-%d %H:%M:%S.%f").timestamp():.3f}')
        break
PYEOF
}
rtos() { [[ $1 =~ \"rtoSeconds\"[[:space:]]*:[[:space:]]*([0-9]+) ]] && echo "${BASH_REMATCH[1]}" || echo "-"; }

# files_from N: the binary-log file names from the full backup's to its N-th (in REPLAY_FILES), their datadir paths
# (REPLAY_PATHS) and total size (REPLAY_BYTES).
files_from() {
  local n f
  REPLAY_FILES=() REPLAY_PATHS=() REPLAY_BYTES=0
  for n in $(seq "$(binlog_num "$FULL_FILE")" $(($(binlog_num "$FULL_FILE") + $1 - 1))); do
    f=$(printf '%s.%06d' "${FULL_FILE%.*}" "$n")
    REPLAY_FILES+=("$f")
    REPLAY_PATHS+=("$D/$f")
    REPLAY_BYTES=$((REPLAY_BYTES + $(stat -c %s "$D/$f")))
  done
}
# gorgen_events FILE...: the number of row events of the database gorgen in the files.
gorgen_events() {
  mariadb-binlog --no-defaults --database=gorgen --base64-output=decode-rows -v "$@" 2>/dev/null | grep -c '^### [A-Z]' || true
}
# CHECKSUM TABLE of the restored tables in DB, as "table checksum" lines (TABLES: those of a restored copy; the
# service's own tables are not in its dumps).
checksums() {
  local db=$1 list="" tb
  for tb in "${TABLES[@]}"; do list+="${list:+, }\`$db\`.\`$tb\`"; done
  mysql_root -N -e "CHECKSUM TABLE $list" | awk -F'\t' '{ sub(/^[^.]*\./, "", $1); print $1, $2 }'
}
# Each replay starts with the same databases on the server (the source and one or two idle copies of the full
# backup): a database replayed before is dropped once checksummed, else it slows the next replay by several per cent.
drop_db() { mysql_root -e "SET SESSION sql_log_bin = 0; DROP DATABASE \`$1\`"; }

# baseline_replay DB LABEL: mariadb-binlog REPLAY_PATHS | mariadb DB (the same options as the service's pipeline),
# after settling; sets B_SECS, B_CPU, B_SETTLE.
baseline_replay() {
  local db=$1 label=$2 c0db c0me t0 t1 st
  settle
  B_SETTLE=$SETTLE_SECS
  log "baseline $label: mariadb-binlog ${#REPLAY_FILES[@]} files ($(mb "$REPLAY_BYTES") MB) | mariadb $db (settled in ${SETTLE_SECS} s)"
  c0db=$(cpu_self "$MARIADB_PID")
  c0me=$(cpu_children $$)
  t0=$(now)
  set +e
  timeout --foreground "$RESTORE_TIMEOUT" mariadb-binlog --no-defaults --start-position="$FULL_POS" --database=gorgen \
    --rewrite-db="gorgen->$db" --disable-log-bin "${REPLAY_PATHS[@]}" 2>"$RUN/baseline-binlog.err" |
    timeout --foreground "$RESTORE_TIMEOUT" mariadb --defaults-extra-file="$RUN/client.cnf" --default-character-set=utf8mb4 \
      --max-allowed-packet=1G --batch --database="$db" >/dev/null 2>"$RUN/baseline-client.err"
  st=("${PIPESTATUS[@]}")
  set -e
  t1=$(now)
  B_SECS=$(secs "$t0" "$t1")
  B_CPU="server $(cpu_delta "$c0db" "$(cpu_self "$MARIADB_PID")") s, mariadb-binlog + client $(cpu_delta "$c0me" "$(cpu_children $$)") s"
  [[ ${st[*]} == "0 0" ]] || { cat "$RUN/baseline-binlog.err" "$RUN/baseline-client.err" >&2; die "baseline replay failed (exit codes ${st[*]})"; }
  log "baseline $label: ${B_SECS} s"
}

# Two copies of the full backup through the service (the baselines' starting points; the first one timed).
mysql_root -e "SET GLOBAL innodb_flush_log_at_trx_commit = $REPLAY_TRX_COMMIT"
settle
log "service: plain restore of full backup $FULL_ID, twice (the baselines' starting points; settled in ${SETTLE_SECS} s)"
restore_run "/api/backup/restore/$FULL_ID" '{}'
[[ $R_STATUS == verified ]] || { printf '%s\n' "$R_BODY" >&2; tail -40 "$SERVICE_LOG" >&2; die "the plain restore is $R_STATUS"; }
FULLR_SECS=$R_SECS FULLR_RTO=$(rtos "$R_BODY") BASE1_DB=$R_DB
log "plain restore $R_ID verified in ${FULLR_SECS} s into $BASE1_DB"
restore_run "/api/backup/restore/$FULL_ID" '{}'
[[ $R_STATUS == verified ]] || { printf '%s\n' "$R_BODY" >&2; tail -40 "$SERVICE_LOG" >&2; die "the plain restore is $R_STATUS"; }
BASE2_DB=$R_DB
mapfile -t TABLES < <(mysql_root -N -e "SELECT table_name FROM information_schema.tables WHERE table_schema='$BASE2_DB' AND table_type='BASE TABLE' ORDER BY 1")

# Baseline 1, before the service: the files shipped so far from the full backup's on (the service's recovery, planned
# later, may take one or two more: the restores' CREATE DATABASE goes to the binary log and gets shipped).
fetch_shipped || die "cannot read the shipped files"
files_from $(($(binlog_num "$SHIPPED_LAST") - $(binlog_num "$FULL_FILE") + 1))
BASE1_FILES=${#REPLAY_FILES[@]}
baseline_replay "$BASE1_DB" 1
BASE1_SECS=$B_SECS BASE1_CPU=$B_CPU BASE1_SETTLE=$B_SETTLE
checksums "$BASE1_DB" >"$RUN/checksum-baseline1.txt"
drop_db "$BASE1_DB"

# The service's point-in-time recovery to "latest".
settle
PITR_SETTLE=$SETTLE_SECS
c0db=$(cpu_self "$MARIADB_PID") c0jvm=$(cpu_self "$SERVICE_PID") c0kid=$(cpu_children "$SERVICE_PID")
log "service: point-in-time recovery to \"latest\" (settled in ${SETTLE_SECS} s)"
restore_run /api/backup/restore/pitr '{"pointInTime":"latest"}'
PITR_CPU="server $(cpu_delta "$c0db" "$(cpu_self "$MARIADB_PID")") s, JVM $(cpu_delta "$c0jvm" "$(cpu_self "$SERVICE_PID")") s, its children $(cpu_delta "$c0kid" "$(cpu_children "$SERVICE_PID")") s"
[[ $R_STATUS == verified ]] || { printf '%s\n' "$R_BODY" >&2; tail -40 "$SERVICE_LOG" >&2; die "the point-in-time recovery is $R_STATUS"; }
PITR_SECS=$R_SECS PITR_RTO=$(rtos "$R_BODY") PITR_DB=$R_DB PITR_ID=$R_ID
T_REPLAYED=$(log_time "Replayed [0-9]+ binary-log file\\(s\\) .* into $PITR_DB")
REPLAYED_LINE=$(grep -m1 "Replayed [0-9]* binary-log file(s) .* into $PITR_DB" "$SERVICE_LOG" | sed 's/.*Replayed/Replayed/' || true)
[[ -n $R_PIPE_START ]] || die "the service's mariadb-binlog child was never seen (replay too short for 0.1 s polling?)"
[[ -n $R_WORK_START ]] || die "the service's pitr-* work folder was never seen"
[[ -n $T_REPLAYED ]] || die "no 'Replayed ... into $PITR_DB' line in $SERVICE_LOG"
if awk "BEGIN { exit !($T_REPLAYED < $R_T0 - 1 || $T_REPLAYED > $R_T1 + 1) }"; then
  # the log's local time does not match this shell's clock (time zone): the work folder's removal instead
  log "the service log's time of 'Replayed' is outside the recovery's run; using the pitr-* folder's removal"
  T_REPLAYED=${R_WORK_END:-$R_T1}
fi
SVC_REPLAY_SECS=$(secs "$R_WORK_START" "$T_REPLAYED") # download + decryption + pipeline
SVC_PIPE_SECS=$(secs "$R_PIPE_START" "${R_PIPE_END:-$T_REPLAYED}")
SVC_FETCH_SECS=$(secs "$R_WORK_START" "$R_PIPE_START")
SVC_SUBTRACT_SECS=$(secs "$FULLR_SECS" "$PITR_SECS")
log "point-in-time recovery $PITR_ID verified in ${PITR_SECS} s into $PITR_DB; replay step ${SVC_REPLAY_SECS} s (pipeline ${SVC_PIPE_SECS} s)"
checksums "$PITR_DB" >"$RUN/checksum-service.txt"
drop_db "$PITR_DB"
# What the service replayed: its 'Replayed N binary-log file(s) (B bytes) from F:P' line.
[[ $REPLAYED_LINE =~ ^Replayed\ ([0-9]+)\ binary-log\ file\(s\)\ \(([0-9]+)\ bytes\)\ from\ ([^:]+):([0-9]+) ]] ||
  die "cannot read the service's replay line: $REPLAYED_LINE"
SVC_FILES=${BASH_REMATCH[1]} SVC_BYTES=${BASH_REMATCH[2]} SVC_START_FILE=${BASH_REMATCH[3]} SVC_START_POS=${BASH_REMATCH[4]}
[[ $SVC_START_FILE == "$FULL_FILE" && $SVC_START_POS == "$FULL_POS" ]] ||
  die "the service replayed from $SVC_START_FILE:$SVC_START_POS, not from the full backup's $FULL_FILE:$FULL_POS"
((SVC_FILES >= BASE1_FILES)) || die "the service replayed $SVC_FILES files, fewer than the $BASE1_FILES shipped before it"
files_from "$SVC_FILES"
((REPLAY_BYTES == SVC_BYTES)) || die "the datadir's ${REPLAY_FILES[0]}..${REPLAY_FILES[-1]} hold $REPLAY_BYTES bytes, the service replayed $SVC_BYTES"
EXTRA_NOTE=""
if ((SVC_FILES > BASE1_FILES)); then
  extra=$(gorgen_events "${REPLAY_PATHS[@]:$BASE1_FILES}")
  EXTRA_NOTE="; baseline 1 had $((SVC_FILES - BASE1_FILES)) file(s) fewer, shipped after it, with $extra row event(s) of gorgen"
fi

# Baseline 2, after the service: exactly the files the service replayed.
baseline_replay "$BASE2_DB" 2
BASE2_SECS=$B_SECS BASE2_CPU=$B_CPU BASE2_SETTLE=$B_SETTLE
BASE_SECS=$(calc "sprintf(\"%.2f\", ($BASE1_SECS + $BASE2_SECS) / 2)")

mysql_root -e "SET GLOBAL innodb_flush_log_at_trx_commit = 1"

# ------------------------------------------------------------------------------------------------ compare
log "comparing source, service and both baselines (CHECKSUM TABLE)"
checksums gorgen >"$RUN/checksum-source.txt"
checksums "$BASE2_DB" >"$RUN/checksum-baseline2.txt"
CHECK_OK=yes
for f in service baseline1 baseline2; do cmp -s "$RUN/checksum-source.txt" "$RUN/checksum-$f.txt" || CHECK_OK=no; done
grep -qw NULL "$RUN/checksum-source.txt" && CHECK_OK=no
if ((${#TABLES[@]} > 0)) && [[ $CHECK_OK == yes ]]; then
  CHECK="PASS  source = service PITR = baseline 1 = baseline 2 (${#TABLES[@]} tables, CHECKSUM TABLE: $(awk '{ printf "%s%s=%s", (NR > 1 ? ", " : ""), $1, $2 }' "$RUN/checksum-source.txt"))"
else
  CHECK="FAIL  CHECKSUM TABLE differs (source, service, baseline 1, baseline 2): $(paste "$RUN/checksum-source.txt" "$RUN/checksum-service.txt" "$RUN/checksum-baseline1.txt" "$RUN/checksum-baseline2.txt" | tr '\n' ';')"
fi
bench_service_memory
bench_stop_service

# ------------------------------------------------------------------------------------------------ report
sum() { calc "sprintf(\"%.2f\", $1 + $2)"; }
A_CPU=$(sum "$A1_CPU" "$A2_CPU") B_CPU=$(sum "$B1_CPU" "$B2_CPU")
A_SECS=$(sum "$A1_SECS" "$A2_SECS") B_SECS=$(sum "$B1_SECS" "$B2_SECS")
A_JVM=$(sum "$A1_JVM" "$A2_JVM") B_JVM=$(sum "$B1_JVM" "$B2_JVM")
A_KIDS=$(sum "$A1_KIDS" "$A2_KIDS") B_KIDS=$(sum "$B1_KIDS" "$B2_KIDS")
CPU_RATIO=$(calc "sprintf(\"%.2f\", $B_CPU / $A_CPU)")
SHIP_RUNS=$(calc "sprintf(\"%.0f\", $B_SECS / $INTERVAL)")
LAG_TARGET=$((2 * INTERVAL))
REPLAY_TX=$((A1_TX + A2_TX + B1_TX + B2_TX + DAY_TX))
REPLAY_RATIO=$(calc "sprintf(\"%.2f\", $SVC_REPLAY_SECS / $BASE_SECS)")
PIPE_RATIO=$(calc "sprintf(\"%.2f\", $SVC_PIPE_SECS / $BASE_SECS)")
{
  echo "==== gorgen-backup binary-log benchmark ($(date -u +%Y-%m-%dT%H:%M:%SZ), $(nproc) cores) ===="
  echo "database           gorgen, ~${SIZE_MB} MB target, InnoDB data+index $(mb "$DATA_BYTES") MB, $NPAC patients (fresh datadir, binlog_format=ROW)"
  echo "full backup        id $FULL_ID in ${FULL_SECS} s, binary-log coordinates $FULL_FILE:$FULL_POS"
  echo "write load         $TX_RATE tx/s target, 80 % patient update + audit row, 20 % encounter insert (trigger) + audit row; a marker row every $MARKER_SECS s"
  echo "phases A (no ship) A1 $A1_TX tx in ${A1_SECS} s, A2 $A2_TX tx in ${A2_SECS} s; mariadbd CPU ${A1_CPU} + ${A2_CPU} = ${A_CPU} s; service JVM ${A_JVM} s, its children ${A_KIDS} s"
  echo "phases B (ship/${INTERVAL}s) B1 $B1_TX tx in ${B1_SECS} s, B2 $B2_TX tx in ${B2_SECS} s; mariadbd CPU ${B1_CPU} + ${B2_CPU} = ${B_CPU} s; service JVM ${B_JVM} s, its children (mariadb-binlog) ${B_KIDS} s"
  echo "mariadbd CPU       ratio ${CPU_RATIO} (B / A; order A1 B1 A2 B2), $(calc "sprintf(\"%+.2f\", $B_CPU - $A_CPU)") s over ~$SHIP_RUNS shipping runs; spread between equal phases: A $(calc "sprintf(\"%.0f\", 100 * ($A1_CPU - $A2_CPU) / ($A_CPU / 2))") %, B $(calc "sprintf(\"%.0f\", 100 * ($B1_CPU - $B2_CPU) / ($B_CPU / 2))") %"
  echo "lag                median ${LAG_MEDIAN} s, p90 ${LAG_P90} s, max ${LAG_MAX} s, min ${LAG_MIN} s ($LAG_N markers of phases B1 and B2, $LAG_MISSING unmatched; commit -> the file's transactional backup logged 'succeeded'; clock: $LAG_CLOCK)"
  echo "shipping per file  median ${SHIP_MEDIAN} s, max ${SHIP_MAX} s ('started' -> 'succeeded' in the service log, $SHIP_FILES files of the B phases: fetch, gzip+OpenPGP, both buckets verified, manifest)"
  echo "day of binlogs     $DAY_TX tx written in ${DAY_SECS} s, $(mb "$DAY_BYTES") MB of binary log; shipped ${SHIP_WAIT_SECS} s after the last commit"
  echo "replay set         ${#REPLAY_FILES[@]} files, $(mb "$REPLAY_BYTES") MB ($REPLAY_BYTES bytes, the same in the service's replay and the datadir), $FULL_FILE:$FULL_POS .. ${REPLAY_FILES[-1]} (phases A and B, the day, and what was shipped after it)$EXTRA_NOTE"
  echo "replay server      innodb_flush_log_at_trx_commit=$REPLAY_TRX_COMMIT during the restores and replays (BENCH_REPLAY_TRX_COMMIT; 1 adds an fsync per replayed transaction), binary log off for them"
  echo "plain restore      ${FULLR_SECS} s (full backup $FULL_ID, POST to verified; rtoSeconds $FULLR_RTO)"
  echo "service PITR       ${PITR_SECS} s (POST to verified; rtoSeconds $PITR_RTO; CPU: $PITR_CPU)"
  echo "service replay     ${SVC_REPLAY_SECS} s (pitr-* work folder created -> 'Replayed' logged): download+decrypt ${SVC_FETCH_SECS} s, mariadb-binlog | mariadb ${SVC_PIPE_SECS} s; PITR - plain restore = ${SVC_SUBTRACT_SECS} s"
  echo "baseline replay    ${BASE_SECS} s = mean of ${BASE1_SECS} s (before the service) and ${BASE2_SECS} s (after it); mariadb-binlog --start-position=$FULL_POS --database=gorgen --rewrite-db --disable-log-bin <datadir files> | mariadb"
  echo "baseline CPU       1: $BASE1_CPU; 2: $BASE2_CPU"
  echo "replay ratio       ${REPLAY_RATIO} (service replay step / baseline mean); pipeline alone ${PIPE_RATIO}; replay rate service $(calc "sprintf(\"%.1f\", $REPLAY_BYTES / 1048576 / $SVC_REPLAY_SECS)") MB/s, baseline $(calc "sprintf(\"%.1f\", $REPLAY_BYTES / 1048576 / $BASE_SECS)") MB/s, $(calc "sprintf(\"%.0f\", $REPLAY_TX / $SVC_REPLAY_SECS)") tx/s by the service"
  echo "settling           ${BASE1_SETTLE} s before baseline 1, ${PITR_SETTLE} s before the PITR, ${BASE2_SETTLE} s before baseline 2 (undo log purged, dirty pages written back; not timed)"
  echo "service memory     peak RSS (VmHWM) $(calc "sprintf(\"%.0f\", $HWM_KB / 1024)") MB (the shipping run, restores included), heap cap (-Xmx) $HEAP_MB MB, OutOfMemoryError in log: $OOM"
  if [[ $LAG_N != 0 && $LAG_MISSING == 0 ]] && awk "BEGIN { exit !($LAG_MAX < $LAG_TARGET) }"; then
    echo "PASS  lag max ${LAG_MAX} s < 2 x interval ($LAG_TARGET s)"
  else
    echo "FAIL  lag max ${LAG_MAX} s < 2 x interval ($LAG_TARGET s) ($LAG_N matched, $LAG_MISSING unmatched)"
  fi
  echo "$CHECK"
} | tee "$REPORT"

[[ $CHECK == PASS* ]] || exit 1
log "removing the throwaway datadir"
stop_mariadb
rm -rf "$DBDIR"
exit 0
