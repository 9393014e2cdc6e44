#!/usr/bin/env bash
# Documents-backup benchmark of gorgen-backup against `rclone sync` of the same bucket, in the same run.
#
#   bench/documents.sh [COUNT [SIZE_MB]]       (default 10000 objects, 2048 MB; or BENCH_DOCS_COUNT / BENCH_DOCS_SIZE_MB)
#   bench/documents.sh 500 100                 a quick check (about a minute); the default size takes 5-7 minutes
#   GORGEN_JAR=/path/to/gorgen-backup.jar bench/documents.sh
#
# One standalone S3Proxy (filesystem backend, run from the service jar, which bundles it) serves four buckets: the
# documents source, the service's primary and secondary backup buckets, and rclone's target. The script fills the
# source with COUNT generated documents of SIZE_MB in total (mostly 20-300 KB, 4 % multi-MB; Portuguese names with
# spaces and accents in nested folders; PDF/JPEG/DOCX/DICOM-like binaries and compressible XML/TXT), then measures,
# in this order and in the same run:
#   0. (not timed against anything) the service backs up a smaller warm-up set first, full then incremental, which
#      is then deleted: the service is a long-running daemon whose weekly full backup and nightly incrementals run
#      with their code compiled (BENCH_DOCS_WARMUP)
#   1. rclone sync source -> target (full)               4. rclone sync source -> target again (incremental)
#   2. the service's documents-full backup               5. the service's documents-incremental backup
#   3. (not timed) rewrites 1 % of the objects with new content, adds and deletes a few
# (after step 1, for context only, rclone also syncs the source to two fresh buckets at once: the two copies the service
# makes; BENCH_DOCS_TWO_TARGETS=0 skips it; after step 2, rclone syncs the source again to a fresh bucket, so that the
# full ratio compares the service with the mean of the rclone runs just before and just after it: the machine's speed
# drifts within a run; BENCH_DOCS_BRACKET=0 compares with the run before only) and prints times, MB/s, the ratios, the
# service's peak RSS (VmHWM, -Xmx256m) and PASS/FAIL lines for the three targets: full <= 1.5 x rclone full,
# incremental < 10 % of the full, incremental faster than rclone's incremental.
# It also checks that the incremental's snapshot (manifest.json counts.objects) equals the bucket's object count.
# Everything lives under bench/work/documents/ (git-ignored); the bulky bucket data is deleted on exit unless
# BENCH_KEEP=1. MariaDB (the service's catalog only) comes from bench/lib.sh, as does the service start-up.
#
# Settings (environment):
#   BENCH_DOCS_COUNT, BENCH_DOCS_SIZE_MB   dataset (arguments win)            default 10000, 2048
#   BENCH_DOCS_CHANGE_PCT                  share of objects rewritten         default 1
#   BENCH_DOCS_WARMUP                      documents of the warm-up backup    default COUNT / 5 (at least 200), a
#                                          before the measured steps (a       fifth of SIZE_MB; 0 = none: the full
#                                          different set, then deleted)       backup is the cold JVM's first work
#   BENCH_DOCS_WARMUP_MB                   size of the warm-up set            default SIZE_MB / 5
#   BENCH_RCLONE_FLAGS                     extra flags for both rclone syncs  default none (rclone's defaults:
#                                                                             --transfers 4 --checkers 8)
#   BENCH_DOCS_PARALLELISM                 BACKUP_DOCUMENTS_PARALLELISM       default: the service's (8)
#   BENCH_S3_PROVIDER                      S3Proxy's jclouds backend          default filesystem (the one the
#                                                                             service's embedded store uses);
#                                                                             filesystem-nio2 lists about 2x faster
#   BENCH_STEP_TIMEOUT                     longest timed step, seconds        default 600 + SIZE_MB / 2
#   BENCH_DOCS_PROFILE=1                   record each service backup with JFR (bench/work/documents/<type>.jfr) and
#                                          print the hottest methods; adds a little overhead to the service's times
#   BENCH_KEEP=1                           keep the buckets under bench/work/documents/run/s3 after the run
#   GORGEN_JAR, GORGEN_SERVICE_FILES       as for full-backup.sh (see bench/README.md)
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(dirname "$BENCH_DIR")
WORK=$BENCH_DIR/work/documents
# shellcheck source=bench/lib.sh
. "$BENCH_DIR/lib.sh"

COUNT=${1:-${BENCH_DOCS_COUNT:-10000}}
SIZE_MB=${2:-${BENCH_DOCS_SIZE_MB:-2048}}
CHANGE_PCT=${BENCH_DOCS_CHANGE_PCT:-1}
WARMUP=${BENCH_DOCS_WARMUP:-$((COUNT / 5 > 200 ? COUNT / 5 : 200))}
WARMUP_MB=${BENCH_DOCS_WARMUP_MB:-$((SIZE_MB / 5 > 1 ? SIZE_MB / 5 : 1))}
if ! [[ $COUNT =~ ^[0-9]+$ && $SIZE_MB =~ ^[0-9]+$ ]] || ((COUNT < 20 || COUNT > 1000000 || SIZE_MB < 1)) ||
  ! [[ $CHANGE_PCT =~ ^[0-9]+([.][0-9]+)?$ && $WARMUP =~ ^[0-9]+$ ]]; then
  echo "usage: $0 [COUNT [SIZE_MB]]   (COUNT >= 20, default 10000; SIZE_MB default 2048; BENCH_DOCS_CHANGE_PCT default 1)" >&2
  exit 2
fi
STEP_TIMEOUT=${BENCH_STEP_TIMEOUT:-$((600 + SIZE_MB / 2))}
RATIO_FULL_TARGET=1.5  # service full / rclone full, at most
RATIO_INCR_TARGET=0.10 # service incremental / service full, below
RATIO_PEER_TARGET=1.0  # service incremental / rclone incremental, below

RUN=$WORK/run # recreated on every run
SERVICE_LOG=$WORK/service.log
MARIADB_LOG=$WORK/mariadb.log
S3_LOG=$WORK/s3proxy.log
REPORT=$WORK/report.txt
DBDIR=$RUN/catalog-db # a fresh, empty MariaDB: the service's catalog only
D=$DBDIR/data
S3DIR=$RUN/s3
SRC_BUCKET=bench-documents
PRIMARY_BUCKET=bench-backup-primary
SECONDARY_BUCKET=bench-backup-secondary
PEER_BUCKET=bench-rclone-target
S3_PID=""

bench_lock
bench_check_tools rclone jq pgrep sync
bench_install_cleanup
bench_find_jar
bench_new_run_dir

# Stops S3Proxy (after the service, which cleanup stops first) and deletes the bulky bucket data.
bench_cleanup_hook() {
  if [[ -n $S3_PID ]] && kill -0 "$S3_PID" 2>/dev/null; then
    kill "$S3_PID" 2>/dev/null || true
    for _ in $(seq 1 20); do kill -0 "$S3_PID" 2>/dev/null || break; sleep 0.5; done
    kill -9 "$S3_PID" 2>/dev/null || true
  fi
  S3_PID=""
  rm -f "$RUN/s3proxy.properties"
  if [[ ${BENCH_KEEP:-0} != 1 ]]; then rm -rf "$S3DIR" "$RUN/gen" "$RUN/changes" "$RUN/service-data" 2>/dev/null || true; fi
}

CLK_TCK=$(getconf CLK_TCK)
cpu_self() { awk -v hz="$CLK_TCK" '{ printf "%.2f", ($14 + $15) / hz }' "/proc/$1/stat" 2>/dev/null || echo 0; }
cpu_children() { awk -v hz="$CLK_TCK" '{ printf "%.2f", ($16 + $17) / hz }' "/proc/$1/stat"; }
f1() { calc "sprintf(\"%.1f\", $1)"; }
f2() { calc "sprintf(\"%.2f\", $1)"; }
rand_hex() { od -An -N"$1" -tx1 /dev/urandom | tr -d ' \n'; }
loadavg() { cut -d' ' -f1 /proc/loadavg; }
# settle: the page cache's dirty data of the previous step goes to disk first (not timed), so that no step pays for
# the write-back of the one before it.
settle() { sync; }

# ------------------------------------------------------------------------------------------------ S3 server
S3PROXY_VERSION=$(unzip -p "${BENCH_S3PROXY_CP:-$JAR}" 'META-INF/maven/org.gaul/s3proxy/pom.properties' 2>/dev/null |
  sed -n 's/^version=//p' || true)
S3PROXY_VERSION=${S3PROXY_VERSION:-?}
S3_PORT=$(free_port)
S3_ENDPOINT=http://127.0.0.1:$S3_PORT
S3_ACCESS=bench$(rand_hex 8)
S3_SECRET=$(rand_hex 24)
mkdir -p "$S3DIR/$SRC_BUCKET" "$S3DIR/$PRIMARY_BUCKET" "$S3DIR/$SECONDARY_BUCKET" "$S3DIR/$PEER_BUCKET"
(umask 077 && cat >"$RUN/s3proxy.properties" <<EOF
s3proxy.endpoint=$S3_ENDPOINT
s3proxy.authorization=aws-v2-or-v4
s3proxy.identity=$S3_ACCESS
s3proxy.credential=$S3_SECRET
jclouds.provider=${BENCH_S3_PROVIDER:-filesystem}
jclouds.identity=bench
jclouds.credential=bench
jclouds.filesystem.basedir=$S3DIR
EOF
)
: >"$S3_LOG"
log "starting S3Proxy (${BENCH_S3_PROVIDER:-filesystem} backend under $S3DIR) on $S3_ENDPOINT, log in $S3_LOG"
java -Xmx1g -cp "${BENCH_S3PROXY_CP:-$JAR}" org.gaul.s3proxy.Main --properties "$RUN/s3proxy.properties" >>"$S3_LOG" 2>&1 &
S3_PID=$!
deadline=$((SECONDS + 60))
until [[ $(curl -s -o /dev/null --max-time 2 -w '%{http_code}' "$S3_ENDPOINT/" || true) =~ ^[1-5][0-9][0-9]$ ]]; do
  kill -0 "$S3_PID" 2>/dev/null || { tail -30 "$S3_LOG" >&2; S3_PID=""; die "S3Proxy exited during start-up"; }
  ((SECONDS < deadline)) || { tail -30 "$S3_LOG" >&2; die "S3Proxy did not answer within 60 s"; }
  sleep 0.3
done

# rclone: two remotes on the same server under different names, so that rclone copies through itself (it copies
# server-side only within one remote) as it would between two real stores. No config file is read.
: >"$RUN/rclone.conf"
export RCLONE_CONFIG=$RUN/rclone.conf
for remote in DOCSRC PEERDST; do
  export "RCLONE_CONFIG_${remote}_TYPE=s3" "RCLONE_CONFIG_${remote}_PROVIDER=Other" \
    "RCLONE_CONFIG_${remote}_ENDPOINT=$S3_ENDPOINT" "RCLONE_CONFIG_${remote}_ACCESS_KEY_ID=$S3_ACCESS" \
    "RCLONE_CONFIG_${remote}_SECRET_ACCESS_KEY=$S3_SECRET" "RCLONE_CONFIG_${remote}_REGION=us-east-1" \
    "RCLONE_CONFIG_${remote}_FORCE_PATH_STYLE=true"
done
export AWS_REQUEST_CHECKSUM_CALCULATION=when_required
# AWS_CA_BUNDLE (set on some machines) makes rclone's S3 backend refuse to start; it is not needed over plain HTTP.
rc() { env -u AWS_CA_BUNDLE rclone "$@"; }
read -r -a RCLONE_EXTRA <<<"${BENCH_RCLONE_FLAGS:-}"

# ------------------------------------------------------------------------------------------------ dataset
write_docs_generator() {
  cat >"$RUN/docs_gen.py" <<'PYEOF'
# gen OUT COUNT SIZE_MB LIST [SEED] -> COUNT documents under OUT, LIST: key \t size \t kind per line
# change OUT LIST PCT DELETED     -> rewritten + new documents under OUT, deleted keys in DELETED; prints the counts
import math, os, random, shutil, sys

mode = sys.argv[1]
SENT = ("Paciente refere dor abdominal difusa há três dias, de moderada intensidade.|Nega febre, náuseas ou vômitos.|"
        "Ao exame: BEG, lúcido, orientado, corado, hidratado, afebril.|Ausculta pulmonar com MV presente bilateralmente, "
        "sem ruídos adventícios.|Conduta: solicito hemograma completo, glicemia de jejum e ultrassonografia de abdome.|"
        "Retorno em 30 dias com os exames.|Orientada quanto aos sinais de alarme e ao uso correto das medicações.|"
        "Hipótese diagnóstica: síndrome dispéptica (CID-10 K30).|Prescrição: omeprazol 20 mg, 1 cápsula ao dia em jejum.|"
        "Laudo: exame dentro dos limites da normalidade para a faixa etária.|Nódulo hipoecoico de 8 mm em mama esquerda, "
        "BI-RADS 3, controle em seis meses.|Termo de consentimento livre e esclarecido lido e assinado pela paciente.|"
        "Nota fiscal de serviços médicos prestados à Clínica Gorgen, município de Porto Alegre/RS.|"
        "Evolução: melhora parcial dos sintomas após o início do tratamento.|Encaminho ao serviço de cardiologia "
        "para avaliação de dor torácica atípica.").split("|")
NOMES = ("João José Maria Ana Antônio Francisca Luís Márcia Sebastião Conceição Cecília Inês Lúcia Vitória Júlia "
         "Otávio Flávio Célia Mônica Débora Fábio Sérgio Rogério Cláudio Patrícia Letícia Beatriz Gonçalo Thaís "
         "Natália Heloísa Luíza Ângela Estêvão Caio Pedro Paulo Fernanda Camila Ícaro Érica Úrsula Zélia").split()
SOBRENOMES = ("Silva Santos Oliveira Souza Rodrigues Ferreira Alves Pereira Lima Gomes Ribeiro Carvalho Araújo "
              "Gonçalves Melo Barbosa Rocha Conceição Assunção Brandão Falcão Simões Magalhães Guimarães Gorgen "
              "Müller Schäfer Sá Câmara Peçanha Bittencourt Estêvez Leão").split()
EXAMES = ["Hemograma completo", "Ressonância magnética de crânio", "Tomografia de tórax", "Ultrassonografia de abdome",
          "Mamografia bilateral", "Eletrocardiograma", "Ecocardiograma", "Densitometria óssea", "Colonoscopia",
          "Glicemia e hemoglobina glicada", "Raio-X de tórax (PA e perfil)", "Biópsia de mama – anatomopatológico"]
MESES = "janeiro fevereiro março abril maio junho julho agosto setembro outubro novembro dezembro".split()
CONVENIOS = ["Unimed", "IPE Saúde", "Bradesco Saúde", "SulAmérica", "Cassi", "São Francisco Saúde", "Particular"]

def text_pool(r, n):
    parts, size = [], 0
    while size < n:
        s = r.choice(SENT) + ("\n" if r.random() < 0.3 else " ")
        parts.append(s)
        size += len(s.encode())
    return "".join(parts).encode()[:n]

def content(r, pool, kind, size, tag):
    """size bytes of a document of this kind; unique (tag + random bytes or a random slice of the text pool)."""
    head = {"pdf": b"%PDF-1.7\n", "jpg": b"\xff\xd8\xff\xe0\x00\x10JFIF\x00", "docx": b"PK\x03\x04\x14\x00\x06\x00",
            "dcm": b"\x00" * 128 + b"DICM", "xml": b'<?xml version="1.0" encoding="UTF-8"?>\n',
            "txt": b""}[kind] + tag.encode() + b"\n"
    n = max(size - len(head), 0)
    if kind in ("xml", "txt"):
        body = bytearray()
        while len(body) < n:
            off = r.randrange(0, len(pool) - 4096)
            body += pool[off:off + min(n - len(body), r.randrange(2048, 65536))]
        return head + bytes(body)
    if kind == "pdf":  # a text layer (compressible) and embedded images/fonts (not)
        t = n // 4
        off = r.randrange(0, len(pool) - t - 1) if len(pool) > t + 1 else 0
        return head + pool[off:off + t] + os.urandom(n - len(pool[off:off + t]))
    return head + os.urandom(n)

def date(r):
    return f"{r.randrange(2015, 2026)}-{r.randrange(1, 13):02d}-{r.randrange(1, 29):02d}"

def patient_folder(r, npat):
    pid = r.randrange(1, npat + 1)
    rp = random.Random(pid)
    return f"pacientes/{pid:05d} - {rp.choice(NOMES)} {rp.choice(SOBRENOMES)} {rp.choice(SOBRENOMES)}"

def small_name(r, kind, npat):
    if kind == "xml":
        return f"financeiro/{r.randrange(2019, 2026)}/{r.randrange(1, 13):02d}/NF-e nº {r.randrange(1, 10**6):06d}.xml"
    if kind == "docx":
        return r.choice([f"contratos/Contrato de prestação de serviços – {r.choice(CONVENIOS)} {r.randrange(1, 999)}.docx",
                         f"administração/Relatórios/{r.randrange(2019, 2026)}/Relatório mensal de {r.choice(MESES)} v{r.randrange(1, 9)}.docx"])
    folder = patient_folder(r, npat)
    if kind == "jpg":
        return f"{folder}/imagens/Foto lesão {date(r)} {r.randrange(1, 99)}.jpg"
    if kind == "txt":
        return f"{folder}/evolução/Evolução clínica {date(r)}.txt"
    return r.choice([f"{folder}/exames/{r.choice(EXAMES)} ({date(r)}).pdf", f"{folder}/laudos/Laudo {r.choice(EXAMES)} {date(r)}.pdf",
                     f"{folder}/receitas/Receita médica {date(r)}.pdf", f"{folder}/termos/Termo de consentimento {date(r)}.pdf"])

def large_name(r, kind, npat):
    folder = patient_folder(r, npat)
    if kind == "dcm":
        return f"{folder}/imagens/{r.choice(EXAMES)} {date(r)} série {r.randrange(1, 9)}.dcm"
    if kind == "jpg":
        return f"{folder}/imagens/Dermatoscopia {date(r)} alta resolução.jpg"
    return f"{folder}/exames/{r.choice(EXAMES)} digitalizado {date(r)}.pdf"

def unique(name, used):
    if name not in used:
        return name
    stem, dot, ext = name.rpartition(".")
    i = 2
    while f"{stem} ({i}).{ext}" in used:
        i += 1
    return f"{stem} ({i}).{ext}"

def write(out, key, data):
    path = os.path.join(out, key)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)

if mode == "gen":
    out, count, total, listing = sys.argv[2], int(sys.argv[3]), int(sys.argv[4]) * 1048576, sys.argv[5]
    r = random.Random(int(sys.argv[6]) if len(sys.argv) > 6 else 20240601)
    pool = text_pool(r, 4 << 20)
    npat = max(1, count // 12)
    n_large = max(1, round(count * 0.04))
    small = [int(math.exp(r.uniform(math.log(20 << 10), math.log(300 << 10)))) for _ in range(count - n_large)]
    if sum(small) > total * 0.5:  # small totals: the many small files stay small, the big ones still get half
        f = total * 0.5 / sum(small)
        small = [max(1024, int(s * f)) for s in small]
    w = [r.lognormvariate(0, 0.8) for _ in range(n_large)]
    rest = total - sum(small)
    large = [max(1024, int(rest * x / sum(w))) for x in w]
    items = [("small", s) for s in small] + [("large", s) for s in large]
    r.shuffle(items)
    used, written = {}, []
    for i, (cls, size) in enumerate(items):
        if cls == "small":
            kind = r.choices(["pdf", "jpg", "docx", "xml", "txt"], [45, 20, 10, 10, 15])[0]
            key = unique(small_name(r, kind, npat), used)
        else:
            kind = r.choices(["dcm", "pdf", "jpg"], [50, 30, 20])[0]
            key = unique(large_name(r, kind, npat), used)
        if written and cls == "small" and r.random() < 0.005:
            # the same file filed twice (a referral attached to another patient): same content, another key
            src = r.choice(written)
            key = unique(f"{patient_folder(r, npat)}/encaminhamentos/{os.path.basename(src[0])}", used)
            os.makedirs(os.path.dirname(os.path.join(out, key)), exist_ok=True)
            shutil.copyfile(os.path.join(out, src[0]), os.path.join(out, key))
            used[key] = True
            written.append((key, src[1], src[2]))
            continue
        write(out, key, content(r, pool, kind, size, f"{key} #{i}"))
        used[key] = True
        written.append((key, size, kind))
    with open(listing, "w", encoding="utf-8") as f:
        for key, size, kind in written:
            f.write(f"{key}\t{size}\t{kind}\n")
    print(len(written), sum(s for _, s, _ in written))
elif mode == "change":
    out, listing, pct, deleted = sys.argv[2], sys.argv[3], float(sys.argv[4]), sys.argv[5]
    r = random.Random(20240602)
    pool = text_pool(r, 4 << 20)
    rows = [line.rstrip("\n").split("\t") for line in open(listing, encoding="utf-8")]
    keys = [k for k, _, _ in rows]
    n_change = max(1, math.ceil(len(rows) * pct / 100))
    n_add = max(1, len(rows) // 500)
    n_del = max(1, len(rows) // 1000)
    picked = r.sample(range(len(rows)), n_change + n_del)
    changed, gone = picked[:n_change], picked[n_change:]
    nbytes = 0
    for j, i in enumerate(changed):  # half keep their size (only the ETag and date tell), half grow or shrink
        key, size, kind = rows[i][0], int(rows[i][1]), rows[i][2]
        size = size if j % 2 == 0 else max(1024, int(size * r.uniform(0.8, 1.25)))
        write(out, key, content(r, pool, kind, size, f"{key} revised"))
        nbytes += size
    used = set(keys)
    npat = max(1, len(rows) // 12)
    for j in range(n_add):
        kind = r.choice(["pdf", "jpg", "txt"])
        key = unique(small_name(r, kind, npat), used)
        used.add(key)
        size = int(math.exp(r.uniform(math.log(20 << 10), math.log(300 << 10))))
        write(out, key, content(r, pool, kind, size, f"{key} new"))
        nbytes += size
    with open(deleted, "w", encoding="utf-8") as f:
        for i in gone:
            f.write(rows[i][0] + "\n")
    print(n_change, n_add, n_del, nbytes)
PYEOF
}
write_docs_generator

# upload_dataset DIR: copies DIR into the source bucket (not timed) and deletes DIR.
upload_dataset() {
  timeout "$STEP_TIMEOUT" env -u AWS_CA_BUNDLE rclone copy "$1" "DOCSRC:$SRC_BUCKET" --transfers 8 --log-file "$RUN/rclone-upload.log" ||
    { tail -20 "$RUN/rclone-upload.log" >&2; die "uploading $1 failed"; }
  rm -rf "$1"
}
# ------------------------------------------------------------------------------------------------ MariaDB, key, service
bench_start_mariadb
mysql_root -e "CREATE DATABASE IF NOT EXISTS gorgen CHARACTER SET utf8mb4"
bench_gen_key
SERVICE_ENV_EXTRA=(
  BACKUP_S3_ENDPOINT="$S3_ENDPOINT" BACKUP_S3_ACCESS_KEY="$S3_ACCESS" BACKUP_S3_SECRET_KEY="$S3_SECRET"
  BACKUP_S3_BUCKET="$PRIMARY_BUCKET"
  BACKUP_S3_SECONDARY_ENDPOINT="$S3_ENDPOINT" BACKUP_S3_SECONDARY_ACCESS_KEY="$S3_ACCESS"
  BACKUP_S3_SECONDARY_SECRET_KEY="$S3_SECRET" BACKUP_S3_SECONDARY_BUCKET="$SECONDARY_BUCKET"
  DOCUMENTS_S3_BUCKET="$SRC_BUCKET"
  AWS_REQUEST_CHECKSUM_CALCULATION=when_required
)
[[ -n ${BENCH_DOCS_PARALLELISM:-} ]] && SERVICE_ENV_EXTRA+=(BACKUP_DOCUMENTS_PARALLELISM="$BENCH_DOCS_PARALLELISM")
bench_start_service admin
log "service up (pid $SERVICE_PID, RSS $((RSS_IDLE_KB / 1024)) MB)"


# ------------------------------------------------------------------------------------------------ timed steps
# peer_sync LABEL: rclone sync source -> target; sets P_SECS, P_CPU (rclone), P_S3CPU (S3Proxy), P_NEW, P_REPLACED,
# P_DELETED, P_BYTES (bytes copied), P_LOAD (1-minute load average before the step).
peer_sync() {
  local label=$1 t0 c0 s0 rc_st
  settle
  P_LOAD=$(loadavg)
  log "rclone sync $SRC_BUCKET -> $PEER_BUCKET ($label)"
  c0=$(cpu_children $$)
  s0=$(cpu_self "$S3_PID")
  t0=$(now)
  set +e
  timeout "$STEP_TIMEOUT" env -u AWS_CA_BUNDLE rclone sync "DOCSRC:$SRC_BUCKET" "PEERDST:$PEER_BUCKET" -v \
    ${RCLONE_EXTRA[@]+"${RCLONE_EXTRA[@]}"} --log-file "$RUN/rclone-$label.log"
  rc_st=$?
  set -e
  P_SECS=$(f2 "$(now) - $t0")
  P_CPU=$(f1 "$(cpu_children $$) - $c0")
  P_S3CPU=$(f1 "$(cpu_self "$S3_PID") - $s0")
  ((rc_st == 0)) || { tail -20 "$RUN/rclone-$label.log" >&2; die "rclone sync ($label) failed with exit code $rc_st"; }
  P_NEW=$(grep -c 'Copied (new)' "$RUN/rclone-$label.log" || true)
  P_REPLACED=$(grep -c 'Copied (replaced existing)' "$RUN/rclone-$label.log" || true)
  P_DELETED=$(grep -c ': Deleted$' "$RUN/rclone-$label.log" || true)
  P_BYTES=$(grep -a 'Copied (' "$RUN/rclone-$label.log" | sed -E 's/^[0-9\/ :]+INFO  : (.*): Copied \(.*$/\1/' |
    awk -F'\t' 'NR == FNR { size[$1] = $2; next } { s += size[$0] } END { printf "%d", s }' "$RUN/current.tsv" -)
  log "rclone ($label): ${P_SECS} s, $P_NEW new, $P_REPLACED replaced, $P_DELETED deleted"
}

# service_backup TYPE: POST /api/backup/trigger {"type":TYPE}, then GET /api/backup/history?limit=50 every 0.1 s
# until that backup is success or failed; sets B_ID, B_STATUS, B_SECS, B_T0, B_RSS_MAX_KB, B_CPU (JVM), B_S3CPU,
# B_MANIFEST (path of its manifest.json in the primary bucket, empty if none), B_ERROR, B_LOAD.
service_backup() {
  local type=$1 body st c0 s0 rss deadline
  settle
  B_LOAD=$(loadavg)
  c0=$(cpu_self "$SERVICE_PID")
  s0=$(cpu_self "$S3_PID")
  if [[ ${BENCH_DOCS_PROFILE:-0} == 1 ]]; then
    rm -f "$WORK/$type.jfr"
    timeout 60 jcmd "$SERVICE_PID" JFR.start name="$type" settings=profile filename="$WORK/$type.jfr" >/dev/null ||
      log "could not start a JFR recording"
  fi
  B_T0=$(now)
  api POST /api/backup/trigger -H 'Content-Type: application/json' --data "{\"type\":\"$type\"}" >"$RUN/trigger-$type.json" || true
  [[ $(cat "$RUN/http_status") == 202 ]] ||
    { cat "$RUN/trigger-$type.json" >&2; die "trigger $type answered HTTP $(cat "$RUN/http_status")"; }
  B_ID=$(jq -r .id "$RUN/trigger-$type.json")
  log "service: $type backup $B_ID running"
  B_STATUS=running
  B_RSS_MAX_KB=0
  deadline=$((SECONDS + STEP_TIMEOUT))
  while :; do
    body=$(api GET '/api/backup/history?limit=50' 2>/dev/null || true)
    st=$(jq -r --argjson id "$B_ID" '.backups[]? | select(.id == $id) | .status' <<<"$body" 2>/dev/null || true)
    if [[ $st == success || $st == failed ]]; then B_STATUS=$st; break; fi
    kill -0 "$SERVICE_PID" 2>/dev/null || { B_STATUS="service died"; break; }
    rss=$(awk '/^VmRSS:/ { print $2 }' "/proc/$SERVICE_PID/status" 2>/dev/null || echo 0)
    ((rss > B_RSS_MAX_KB)) && B_RSS_MAX_KB=$rss
    ((SECONDS < deadline)) || { B_STATUS="timeout after $STEP_TIMEOUT s"; break; }
    sleep 0.1
  done
  B_SECS=$(f2 "$(now) - $B_T0")
  if [[ ${BENCH_DOCS_PROFILE:-0} == 1 ]]; then
    timeout 120 jcmd "$SERVICE_PID" JFR.stop name="$type" >/dev/null || log "could not stop the JFR recording"
  fi
  B_CPU=$(f1 "$(cpu_self "$SERVICE_PID") - $c0")
  B_S3CPU=$(f1 "$(cpu_self "$S3_PID") - $s0")
  B_ERROR=$(jq -r --argjson id "$B_ID" '.backups[]? | select(.id == $id) | .errorMessage // empty' <<<"$body" 2>/dev/null || true)
  B_MANIFEST=$(find "$S3DIR/$PRIMARY_BUCKET" -path "*/$type-*-$B_ID/manifest.json" -type f -print -quit 2>/dev/null || true)
  log "service: $type backup $B_ID $B_STATUS after ${B_SECS} s"
}

# timeline TYPE ID T0: seconds from the POST to the listing (log), to the last content object written in the primary
# bucket and to the snapshot object written.
timeline() {
  local type=$1 id=$2 t0=$3 line ts out="" last snap
  line=$(grep -a "Documents backup $id: " "$SERVICE_LOG" | tail -1 || true)
  if [[ -n $line ]]; then
    ts=$(date -d "$(cut -c1-23 <<<"$line")" +%s.%N 2>/dev/null || true)
    [[ -n $ts ]] && out="listing + plan $(f1 "$ts - $t0") s"
  fi
  last=$(find "$S3DIR/$PRIMARY_BUCKET" \( -path '*/documents/content/*' -o -path '*/documents/packs/*' \) -type f \
    -newermt "@${t0%.*}" -printf '%T@\n' 2>/dev/null |
    sort -n | tail -1)
  [[ -n $last ]] && out+="${out:+, }contents stored $(f1 "$last - $t0") s"
  snap=$(find "$S3DIR/$PRIMARY_BUCKET" -path "*/$type-*-$id/snapshot.jsonl.gz.gpg" -type f -printf '%T@\n' 2>/dev/null | head -1)
  [[ -n $snap ]] && out+="${out:+, }snapshot stored $(f1 "$snap - $t0") s"
  echo "$out"
}

# ------------------------------------------------------------------------------------------------ warm-up (not timed)
# The service is a long-running daemon: the weekly full backup runs in a JVM that has shipped binary logs every five
# minutes and backed up every night for days, its hot paths long compiled. A fresh JVM spends the first minute of
# work compiling them (the C2 compiler alone took 15 of the 82 CPU-seconds of a cold full backup of 10,000 documents
# on 2 cores). So, by default, the service first backs up a smaller, different warm-up set (WARMUP documents, a fifth
# of the dataset's size, under aquecimento/), then backs it up again incrementally after 1 % of it changed (it runs
# an incremental every night: the measured one should not be the JVM's first, paying to compile the catalog state's
# and the change plan's code), both reported apart; the bucket is then emptied and the measured dataset uploaded.
# BENCH_DOCS_WARMUP=0 measures the cold JVM instead (the full backup is then the first work it does).
W_SECS=""
if ((WARMUP > 0)); then
  log "warm-up: generating $WARMUP documents, ~$WARMUP_MB MB, uploading them under aquecimento/ (not timed)"
  python3 "$RUN/docs_gen.py" gen "$RUN/warm/aquecimento" "$WARMUP" "$WARMUP_MB" "$RUN/warmup.tsv" 20240599 >/dev/null
  upload_dataset "$RUN/warm"
  service_backup documents-full
  W_ID=$B_ID W_SECS=$B_SECS W_CPU=$B_CPU W_S3CPU=$B_S3CPU W_MANIFEST=$B_MANIFEST
  [[ $B_STATUS == success ]] || { tail -40 "$SERVICE_LOG" >&2; die "the warm-up backup did not succeed ($B_STATUS${B_ERROR:+: $B_ERROR})"; }
  # and an incremental after 1 % changed: the daemon runs one every night, so its code paths (the catalog's state,
  # the change plan, the state's differences) are compiled too; the measured incremental is not the JVM's first
  python3 "$RUN/docs_gen.py" change "$RUN/warm-changes/aquecimento" "$RUN/warmup.tsv" 1 "$RUN/warm-deleted.txt" >/dev/null
  timeout "$STEP_TIMEOUT" env -u AWS_CA_BUNDLE rclone copy "$RUN/warm-changes" "DOCSRC:$SRC_BUCKET" --no-check-dest \
    --transfers 8 --log-file "$RUN/rclone-upload.log" || die "uploading the warm-up changes failed"
  sed 's|^|aquecimento/|' "$RUN/warm-deleted.txt" >"$RUN/warm-deleted-keys.txt"
  timeout "$STEP_TIMEOUT" env -u AWS_CA_BUNDLE rclone delete "DOCSRC:$SRC_BUCKET" --files-from-raw "$RUN/warm-deleted-keys.txt" \
    --log-file "$RUN/rclone-upload.log" || die "deleting warm-up objects failed"
  service_backup documents-incremental
  WI_SECS=$B_SECS WI_CPU=$B_CPU WI_MANIFEST=$B_MANIFEST
  [[ $B_STATUS == success ]] || { tail -40 "$SERVICE_LOG" >&2; die "the warm-up incremental did not succeed ($B_STATUS${B_ERROR:+: $B_ERROR})"; }
  timeout "$STEP_TIMEOUT" env -u AWS_CA_BUNDLE rclone delete "DOCSRC:$SRC_BUCKET" --log-file "$RUN/rclone-upload.log" ||
    die "emptying the source bucket after the warm-up failed"
fi

# ------------------------------------------------------------------------------------------------ dataset (not timed)
log "generating $COUNT documents, ~$SIZE_MB MB, in $RUN/gen"
t=$(now)
read -r GEN_COUNT GEN_BYTES < <(python3 "$RUN/docs_gen.py" gen "$RUN/gen" "$COUNT" "$SIZE_MB" "$RUN/dataset.tsv")
log "generated $GEN_COUNT documents, $(mb "$GEN_BYTES") MB in $(f1 "$(now) - $t") s; uploading them to $SRC_BUCKET (rclone copy, not timed)"
t=$(now)
upload_dataset "$RUN/gen"
read -r SRC_COUNT SRC_BYTES < <(rc size "DOCSRC:$SRC_BUCKET" --json | jq -r '"\(.count) \(.bytes)"')
[[ $SRC_COUNT == "$GEN_COUNT" && $SRC_BYTES == "$GEN_BYTES" ]] ||
  die "source bucket holds $SRC_COUNT objects / $SRC_BYTES bytes, generated $GEN_COUNT / $GEN_BYTES"
log "source bucket: $SRC_COUNT objects, $(mb "$SRC_BYTES") MB (uploaded in $(f1 "$(now) - $t") s)"
DATA_MIX=$(awk -F'\t' '{ n[$3]++; b[$3] += $2; if ($2 >= 1048576) { big++; bigb += $2 } }
  END { for (k in n) printf "%s %d/%.0f MB, ", k, n[k], b[k] / 1048576; printf "objects >= 1 MB: %d (%.0f MB)", big, bigb / 1048576 }' "$RUN/dataset.tsv")

cp "$RUN/dataset.tsv" "$RUN/current.tsv" # key -> size of what the source holds now (for rclone's byte count)

# 1. rclone full
peer_sync full
PF_SECS=$P_SECS PF_CPU=$P_CPU PF_S3CPU=$P_S3CPU PF_NEW=$P_NEW PF_BYTES=$P_BYTES PF_LOAD=$P_LOAD

# 1b. (context, not a target) rclone full to two fresh buckets at once: the same two copies the service makes
PT_SECS=""
if [[ ${BENCH_DOCS_TWO_TARGETS:-1} == 1 ]]; then
  settle
  mkdir -p "$S3DIR/bench-rclone-two-a" "$S3DIR/bench-rclone-two-b"
  log "rclone sync $SRC_BUCKET -> bench-rclone-two-a and -two-b at once (context)"
  c0=$(cpu_children $$)
  s0=$(cpu_self "$S3_PID")
  t0=$(now)
  timeout "$STEP_TIMEOUT" env -u AWS_CA_BUNDLE rclone sync "DOCSRC:$SRC_BUCKET" "PEERDST:bench-rclone-two-a" \
    ${RCLONE_EXTRA[@]+"${RCLONE_EXTRA[@]}"} --log-file "$RUN/rclone-two-a.log" &
  two_a=$!
  timeout "$STEP_TIMEOUT" env -u AWS_CA_BUNDLE rclone sync "DOCSRC:$SRC_BUCKET" "PEERDST:bench-rclone-two-b" \
    ${RCLONE_EXTRA[@]+"${RCLONE_EXTRA[@]}"} --log-file "$RUN/rclone-two-b.log" &
  two_b=$!
  wait "$two_a" && wait "$two_b" || die "rclone sync to two targets failed"
  PT_SECS=$(f2 "$(now) - $t0")
  PT_CPU=$(f1 "$(cpu_children $$) - $c0")
  PT_S3CPU=$(f1 "$(cpu_self "$S3_PID") - $s0")
  log "rclone (full, two targets at once): ${PT_SECS} s"
  rm -rf "$S3DIR/bench-rclone-two-a" "$S3DIR/bench-rclone-two-b"
fi

# 2. service full
service_backup documents-full
SF_ID=$B_ID SF_STATUS=$B_STATUS SF_SECS=$B_SECS SF_CPU=$B_CPU SF_S3CPU=$B_S3CPU SF_RSS=$B_RSS_MAX_KB SF_LOAD=$B_LOAD
SF_MANIFEST=$B_MANIFEST SF_ERROR=$B_ERROR
SF_TIMELINE=$(timeline documents-full "$SF_ID" "$B_T0")
if [[ $SF_STATUS != success ]]; then
  echo "--- service log (last 40 lines of $SERVICE_LOG) ---" >&2
  tail -40 "$SERVICE_LOG" >&2
  die "the documents-full backup did not succeed ($SF_STATUS${SF_ERROR:+: $SF_ERROR})"
fi

# 2b. rclone full again, right after the service, to a fresh bucket: on a shared machine the speed drifts within a run,
# so the peer figure is the mean of the rclone runs just before and just after the service (both printed)
PA_SECS=""
if [[ ${BENCH_DOCS_BRACKET:-1} == 1 ]]; then
  PEER_FIRST=$PEER_BUCKET
  PEER_BUCKET=bench-rclone-after
  mkdir -p "$S3DIR/$PEER_BUCKET"
  peer_sync full-after
  PA_SECS=$P_SECS PA_CPU=$P_CPU PA_S3CPU=$P_S3CPU PA_NEW=$P_NEW PA_LOAD=$P_LOAD
  rm -rf "${S3DIR:?}/$PEER_BUCKET"
  PEER_BUCKET=$PEER_FIRST
fi

# 3. changes (not timed): 1 % rewritten with new content, a few added, a few deleted; through the S3 API
python3 "$RUN/docs_gen.py" change "$RUN/changes" "$RUN/dataset.tsv" "$CHANGE_PCT" "$RUN/deleted.txt" >"$RUN/changes.out"
read -r CH_CHANGED CH_ADDED CH_DELETED CH_BYTES <"$RUN/changes.out"
log "changing the source: $CH_CHANGED rewritten, $CH_ADDED added ($(mb "$CH_BYTES") MB), $CH_DELETED deleted (not timed)"
timeout "$STEP_TIMEOUT" env -u AWS_CA_BUNDLE rclone copy "$RUN/changes" "DOCSRC:$SRC_BUCKET" --no-check-dest --transfers 8 \
  --log-file "$RUN/rclone-change.log" || { tail -20 "$RUN/rclone-change.log" >&2; die "uploading the changes failed"; }
timeout "$STEP_TIMEOUT" env -u AWS_CA_BUNDLE rclone delete "DOCSRC:$SRC_BUCKET" --files-from-raw "$RUN/deleted.txt" \
  --log-file "$RUN/rclone-change.log" || { tail -20 "$RUN/rclone-change.log" >&2; die "deleting objects failed"; }
read -r SRC2_COUNT SRC2_BYTES < <(rc size "DOCSRC:$SRC_BUCKET" --json | jq -r '"\(.count) \(.bytes)"')
EXPECTED2=$((GEN_COUNT + CH_ADDED - CH_DELETED))
[[ $SRC2_COUNT == "$EXPECTED2" ]] || die "after the changes the source holds $SRC2_COUNT objects, expected $EXPECTED2"
(cd "$RUN/changes" && find . -type f -printf '%P\t%s\n') >"$RUN/current.tsv"

# 4. rclone incremental
peer_sync incremental
PI_SECS=$P_SECS PI_CPU=$P_CPU PI_S3CPU=$P_S3CPU PI_NEW=$P_NEW PI_REPLACED=$P_REPLACED PI_DELETED=$P_DELETED
PI_BYTES=$P_BYTES PI_LOAD=$P_LOAD

# 5. service incremental
service_backup documents-incremental
SI_ID=$B_ID SI_STATUS=$B_STATUS SI_SECS=$B_SECS SI_CPU=$B_CPU SI_S3CPU=$B_S3CPU SI_RSS=$B_RSS_MAX_KB SI_LOAD=$B_LOAD
SI_MANIFEST=$B_MANIFEST SI_ERROR=$B_ERROR
SI_TIMELINE=$(timeline documents-incremental "$SI_ID" "$B_T0")

bench_service_memory
bench_stop_service

# Diagnostic (not part of any figure above): one flat listing of the source bucket, as the service lists it
# (ListObjects without delimiter, 1000 keys a page, one page after the other), to tell the S3 server's listing cost
# apart from the service's own work.
settle
t=$(now)
LIST_N=$(timeout "$STEP_TIMEOUT" env -u AWS_CA_BUNDLE rclone lsf -R --fast-list --files-only --checkers 1 "DOCSRC:$SRC_BUCKET" | wc -l)
LIST_SECS=$(f1 "$(now) - $t")

# ------------------------------------------------------------------------------------------------ checks
# the rclone target must mirror the source (the peer did the whole job)
read -r PEER_COUNT PEER_BYTES < <(rc size "PEERDST:$PEER_BUCKET" --json | jq -r '"\(.count) \(.bytes)"')
counts() { jq -r '.counts | "\(.objects) \(.read) \(.bytesRead) \(.unchanged) \(.deletedSincePrevious) \(.newContents) \(.reusedContents) \(.newContentStoredBytes) \(.listed) \(.excluded) \(.newPacks // 0) \(.newPackedContents // 0)"' "$1"; }
SNAP_CHECK="FAIL (no manifest.json for backup $SI_ID in $PRIMARY_BUCKET)"
SI_OBJECTS=""
if [[ -n $SF_MANIFEST && -f $SF_MANIFEST ]]; then
  read -r SF_OBJECTS SF_READ SF_BYTES_READ _ _ SF_NEWC SF_REUSEDC SF_STORED _ _ SF_PACKS SF_PACKED < <(counts "$SF_MANIFEST")
fi
if [[ $SI_STATUS == success && -n $SI_MANIFEST && -f $SI_MANIFEST ]]; then
  read -r SI_OBJECTS SI_READ SI_BYTES_READ SI_UNCHANGED SI_DELETED SI_NEWC SI_REUSEDC SI_STORED SI_LISTED SI_EXCLUDED SI_PACKS SI_PACKED \
    < <(counts "$SI_MANIFEST")
  if [[ $SI_OBJECTS == "$SRC2_COUNT" ]]; then
    SNAP_CHECK="PASS (snapshot objects $SI_OBJECTS = bucket objects $SRC2_COUNT)"
  else
    SNAP_CHECK="FAIL (snapshot objects $SI_OBJECTS, bucket objects $SRC2_COUNT; listed $SI_LISTED, excluded $SI_EXCLUDED)"
  fi
fi
# every stored object (contents stored alone, packs of small ones) is in both buckets: as many as the two backups stored
content_count() { find "$S3DIR/$1" \( -path '*/documents/content/*' -o -path '*/documents/packs/*' \) -type f | wc -l; }
content_bytes() { find "$S3DIR/$1" \( -path '*/documents/content/*' -o -path '*/documents/packs/*' \) -type f -printf '%s\n' |
  awk '{ s += $1 } END { printf "%d", s }'; }
if [[ -n $W_SECS && -n $W_MANIFEST && -f $W_MANIFEST ]]; then
  read -r _ W_READ W_BYTES_READ _ _ W_NEWC _ _ _ _ W_PACKS W_PACKED < <(counts "$W_MANIFEST")
fi
if [[ -n ${WI_MANIFEST:-} && -f $WI_MANIFEST ]]; then
  read -r _ _ _ _ _ WI_NEWC _ _ _ _ WI_PACKS WI_PACKED < <(counts "$WI_MANIFEST")
fi
EXPECTED_OBJECTS=$((${W_NEWC:-0} - ${W_PACKED:-0} + ${W_PACKS:-0} + ${WI_NEWC:-0} - ${WI_PACKED:-0} + ${WI_PACKS:-0} + ${SF_NEWC:-0} - ${SF_PACKED:-0} + ${SF_PACKS:-0} + ${SI_NEWC:-0} - ${SI_PACKED:-0} + ${SI_PACKS:-0}))
C_PRIMARY=$(content_count "$PRIMARY_BUCKET")
C_SECONDARY=$(content_count "$SECONDARY_BUCKET")
C_BYTES=$(content_bytes "$PRIMARY_BUCKET")

# hot_methods FILE: the 8 most frequent top frames of the JVM's Java execution samples in a JFR recording (native
# code such as zlib's deflate is not in these samples).
hot_methods() {
  jfr print --stack-depth 1 --events jdk.ExecutionSample "$1" 2>/dev/null | grep -A1 'stackTrace = \[' |
    grep -v -E 'stackTrace = \[|^--$' | sed -E 's/^ +//; s/ line: [0-9]+$//; s/\(.*\)$//' | sort | uniq -c | sort -rn |
    awk '{ n[NR] = $1; m[NR] = $2; t += $1 }
      END { printf "  %d Java samples:", t; for (i = 1; i <= 8 && i <= NR; i++) printf "%s %.0f %% %s", (i > 1 ? "," : ""), 100 * n[i] / t, m[i]; print "" }'
}

# ------------------------------------------------------------------------------------------------ report
mbps() { calc "sprintf(\"%.1f\", $1 / 1048576 / $2)"; }
{
  echo "==== gorgen-backup documents benchmark ($(date -u +%Y-%m-%dT%H:%M:%SZ), $(nproc) cores, jar $(basename "$JAR")) ===="
  echo "dataset            $SRC_COUNT objects, $(mb "$SRC_BYTES") MB (requested $COUNT / $SIZE_MB MB); $DATA_MIX"
  echo "S3 server          one S3Proxy $S3PROXY_VERSION (${BENCH_S3_PROVIDER:-filesystem} backend, -Xmx1g) for all four buckets, $S3_ENDPOINT"
  echo "rclone             $(rc version 2>/dev/null | head -1), sync DOCSRC:$SRC_BUCKET PEERDST:$PEER_BUCKET ${BENCH_RCLONE_FLAGS:-(default flags: --transfers 4 --checkers 8)}"
  if [[ -n $W_SECS ]]; then
    echo "service warm-up    ${W_SECS} s  $(mbps "${W_BYTES_READ:-0}" "$W_SECS") MB/s  (backup $W_ID, the freshly started JVM's first backup, of a different set of ${W_READ:-?} objects, $(mb "${W_BYTES_READ:-0}") MB, then an incremental after 1 % changed in ${WI_SECS:-?} s, the set deleted afterwards; CPU JVM ${W_CPU} s, S3Proxy ${W_S3CPU} s; not compared with anything)"
  else
    echo "service warm-up    none (BENCH_DOCS_WARMUP=0): the full backup below is the cold JVM's first work"
  fi
  echo "--- full"
  echo "rclone full        ${PF_SECS} s  $(mbps "$SRC_BYTES" "$PF_SECS") MB/s  ($PF_NEW objects copied, $(mb "$PF_BYTES") MB; CPU rclone ${PF_CPU} s, S3Proxy ${PF_S3CPU} s; load before ${PF_LOAD})"
  echo "service full       ${SF_SECS} s  $(mbps "$SRC_BYTES" "$SF_SECS") MB/s  (backup $SF_ID, POST to success; read ${SF_READ:-?} objects, $(mb "${SF_BYTES_READ:-0}") MB; new contents ${SF_NEWC:-?}, reused ${SF_REUSEDC:-?}, stored $(mb "${SF_STORED:-0}") MB x 2 buckets; CPU JVM ${SF_CPU} s, S3Proxy ${SF_S3CPU} s; load before ${SF_LOAD})"
  echo "service timeline   ${SF_TIMELINE:-?} (from the POST)"
  if [[ -n $PT_SECS ]]; then
    echo "rclone full x2     ${PT_SECS} s  (context: two syncs at once to two fresh buckets, the two copies the service makes; CPU rclone ${PT_CPU} s, S3Proxy ${PT_S3CPU} s; service full / this: $(f2 "$SF_SECS / $PT_SECS"))"
  fi
  if [[ -n $PA_SECS ]]; then
    echo "rclone full after  ${PA_SECS} s  $(mbps "$SRC_BYTES" "$PA_SECS") MB/s  (the same sync right after the service, to a fresh bucket: $PA_NEW objects copied; CPU rclone ${PA_CPU} s, S3Proxy ${PA_S3CPU} s; load before ${PA_LOAD})"
    PEER_FULL=$(calc "($PF_SECS + $PA_SECS) / 2")
    PEER_WHAT="the mean of the rclone full runs before and after it, $(f2 "$PEER_FULL") s"
  else
    PEER_FULL=$PF_SECS
    PEER_WHAT="rclone full"
  fi
  RATIO_FULL=$(f2 "$SF_SECS / $PEER_FULL")
  RATIO_FULL_X=$(calc "$SF_SECS / $PEER_FULL")
  echo "ratio full         ${RATIO_FULL} (service full / $PEER_WHAT; target <= $RATIO_FULL_TARGET; against the run before only: $(f2 "$SF_SECS / $PF_SECS"))"
  echo "--- changes        $CH_CHANGED rewritten (${CHANGE_PCT} %), $CH_ADDED added, $CH_DELETED deleted: $(mb "$CH_BYTES") MB new data; bucket now $SRC2_COUNT objects, $(mb "$SRC2_BYTES") MB"
  echo "rclone incremental ${PI_SECS} s  ($PI_NEW new + $PI_REPLACED replaced, $(mb "$PI_BYTES") MB, $PI_DELETED deleted; CPU rclone ${PI_CPU} s, S3Proxy ${PI_S3CPU} s; load before ${PI_LOAD})"
  if [[ $SI_STATUS == success ]]; then
    echo "service incr.      ${SI_SECS} s  $(mbps "${SI_BYTES_READ:-0}" "$SI_SECS") MB/s of bytes read  (backup $SI_ID; read ${SI_READ:-?} objects, $(mb "${SI_BYTES_READ:-0}") MB, unchanged ${SI_UNCHANGED:-?}, deleted ${SI_DELETED:-?}; new contents ${SI_NEWC:-?}, reused ${SI_REUSEDC:-?}; CPU JVM ${SI_CPU} s, S3Proxy ${SI_S3CPU} s; load before ${SI_LOAD})"
    echo "service timeline   ${SI_TIMELINE:-?} (from the POST)"
    RATIO_INCR=$(calc "sprintf(\"%.3f\", $SI_SECS / $SF_SECS)")
    RATIO_PEER=$(f2 "$SI_SECS / $PI_SECS")
    RATIO_INCR_X=$(calc "$SI_SECS / $SF_SECS")
    RATIO_PEER_X=$(calc "$SI_SECS / $PI_SECS")
  else
    echo "service incr.      ${SI_SECS} s until: $SI_STATUS${SI_ERROR:+ ($SI_ERROR)}"
    RATIO_INCR="" RATIO_PEER="" RATIO_INCR_X="" RATIO_PEER_X=""
  fi
  echo "ratio incr/full    ${RATIO_INCR:-n/a} (service incremental / service full, target < $RATIO_INCR_TARGET)"
  echo "ratio incr/peer    ${RATIO_PEER:-n/a} (service incremental / rclone incremental, target < $RATIO_PEER_TARGET)"
  echo "S3 listing         one flat listing of the source bucket ($LIST_N keys, 1000 a page, sequential, as the service lists): ${LIST_SECS} s (diagnostic, after the run)"
  echo "--- service"
  echo "memory             peak RSS (VmHWM) $((HWM_KB / 1024)) MB; max RSS seen: full $((SF_RSS / 1024)) MB, incremental $((SI_RSS / 1024)) MB; idle $((RSS_IDLE_KB / 1024)) MB; heap cap (-Xmx) $HEAP_MB MB; OutOfMemoryError in log: $OOM"
  if [[ -n $HEAP_INFO ]]; then sed 's/^/  heap after run:  /' <<<"$HEAP_INFO"; fi
  if [[ ${BENCH_DOCS_PROFILE:-0} == 1 ]] && command -v jfr >/dev/null 2>&1; then
    for type in documents-full documents-incremental; do
      if [[ -f $WORK/$type.jfr ]]; then echo "hot methods        $type (JFR, $WORK/$type.jfr)$(hot_methods "$WORK/$type.jfr")"; fi
    done
  fi
  echo "stored objects     primary $C_PRIMARY, secondary $C_SECONDARY ($(mb "$C_BYTES") MB each), expected $EXPECTED_OBJECTS (new contents stored alone + packs of the backups: warm-up $((${W_NEWC:-0} - ${W_PACKED:-0})) + ${W_PACKS:-0} packs of ${W_PACKED:-0}, warm-up incremental $((${WI_NEWC:-0} - ${WI_PACKED:-0})) + ${WI_PACKS:-0} packs of ${WI_PACKED:-0}, full $((${SF_NEWC:-0} - ${SF_PACKED:-0})) + ${SF_PACKS:-0} packs of ${SF_PACKED:-0}, incremental $((${SI_NEWC:-0} - ${SI_PACKED:-0})) + ${SI_PACKS:-0} packs of ${SI_PACKED:-0})"
  echo "rclone target      $PEER_COUNT objects, $(mb "$PEER_BYTES") MB ($([[ $PEER_COUNT == "$SRC2_COUNT" && $PEER_BYTES == "$SRC2_BYTES" ]] && echo 'mirrors the source' || echo 'DIFFERS from the source'))"
  echo "snapshot count     $SNAP_CHECK"
  pf() { if [[ -n $2 ]] && awk "BEGIN { exit !($2) }"; then echo "PASS  $1"; else echo "FAIL  $1"; fi; }
  pf "full backup within ${RATIO_FULL_TARGET}x of rclone full (${RATIO_FULL})" "$RATIO_FULL_X <= $RATIO_FULL_TARGET"
  pf "incremental under 10 % of the full time (${RATIO_INCR:-n/a})" "${RATIO_INCR_X:+$RATIO_INCR_X < $RATIO_INCR_TARGET}"
  pf "incremental faster than rclone's incremental sync (${RATIO_PEER:-n/a})" "${RATIO_PEER_X:+$RATIO_PEER_X < $RATIO_PEER_TARGET}"
  pf "incremental snapshot lists every object of the bucket" "$([[ $SNAP_CHECK == PASS* ]] && echo 1 || echo 0)"
  pf "both buckets hold every content, under -Xmx${HEAP_MB}m without OutOfMemoryError" \
    "$([[ $C_PRIMARY == "$C_SECONDARY" && $C_PRIMARY == "$EXPECTED_OBJECTS" && $OOM == no ]] && echo 1 || echo 0)"
} | tee "$REPORT"

if [[ $SI_STATUS != success ]]; then
  echo "--- service log (last 40 lines of $SERVICE_LOG) ---"
  tail -40 "$SERVICE_LOG"
  exit 1
fi
[[ $SNAP_CHECK == PASS* ]] || exit 1
exit 0
