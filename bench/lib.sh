# Shared parts of the benchmarks in bench/, sourced by full-backup.sh and restore.sh (not run on its own).
#
# Before sourcing, the caller sets BENCH_DIR, ROOT and WORK; then it calls, in this order:
#   bench_size_arg "$@"     SIZE_MB (or usage and exit 2), STEP_TIMEOUT, DBDIR, D
#   (sets RUN, SERVICE_LOG, MARIADB_LOG)
#   bench_lock; bench_check_tools; bench_install_cleanup; bench_find_jar; bench_new_run_dir
#   bench_start_mariadb; bench_prepare_database; bench_gen_key
#   bench_start_service ROLE      (SERVICE_ENV_EXTRA: more VAR=value for the service), then api ...
#   bench_full_backup; bench_service_memory; bench_stop_service
# Everything is global (PIDs, ports, passwords, timings), as the scripts' reports read it.
# A caller may define bench_cleanup_hook: cleanup runs it while MariaDB is still up.

HEAP_MB=256
# Bump when the schema or the generator changes: cached databases of other versions are then not reused.
DATASET_VERSION=2

log() { printf '%s [bench] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }
now() { date +%s.%N; }
calc() { awk "BEGIN { printf \"%s\", $* }"; } # calc 'sprintf("%.2f", 1/3)'
free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}
mb() { calc "sprintf(\"%.1f\", $1 / 1048576)"; }

# bench_size_arg [SIZE_MB]: the size argument (or BENCH_SIZE_MB, default 1024) and what depends on it.
bench_size_arg() {
  SIZE_MB=${1:-${BENCH_SIZE_MB:-1024}}
  if ! [[ $SIZE_MB =~ ^[0-9]+$ ]] || ((SIZE_MB < 1 || SIZE_MB > 65536)); then
    echo "usage: $0 [SIZE_MB]   (SIZE_MB: 1..65536, default 1024; or set BENCH_SIZE_MB)" >&2
    exit 2
  fi
  # Upper bound of each bulk step (loading one table, a baseline pipeline, a decryption check), seconds.
  STEP_TIMEOUT=$((300 + SIZE_MB))
  DBDIR=$WORK/db-${SIZE_MB}mb-v$DATASET_VERSION # cached per size: data/ (the datadir) + complete (marker)
  D=$DBDIR/data
}

# One benchmark at a time: they share the cached datadirs.
bench_lock() {
  mkdir -p "$WORK"
  exec 9>"$WORK/.lock"
  flock -n 9 || { echo "another benchmark run holds $WORK/.lock" >&2; exit 2; }
}

bench_check_tools() {
  for tool in mariadbd mariadb-install-db mariadb mariadb-admin mariadb-dump gzip gpg gpgconf python3 java curl flock timeout "$@"; do
    command -v "$tool" >/dev/null 2>&1 || [[ -x /usr/sbin/$tool ]] || die "$tool not found"
  done
  PATH=$PATH:/usr/sbin
}

# ------------------------------------------------------------------------------------------------ cleanup
MARIADB_PID=""
SERVICE_PID=""
BG_PIDS=()

# A clean shutdown (all pages flushed) keeps the cached datadir fast to reopen.
stop_mariadb() {
  if [[ -n $MARIADB_PID ]] && kill -0 "$MARIADB_PID" 2>/dev/null; then
    timeout 120 mariadb-admin --no-defaults --socket="$D/s.sock" -uroot shutdown >/dev/null 2>&1 ||
      kill "$MARIADB_PID" 2>/dev/null || true
    for _ in $(seq 1 240); do kill -0 "$MARIADB_PID" 2>/dev/null || break; sleep 0.5; done
    kill -9 "$MARIADB_PID" 2>/dev/null || true
  fi
  MARIADB_PID=""
}

cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  for p in "${BG_PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  if [[ -n $SERVICE_PID ]] && kill -0 "$SERVICE_PID" 2>/dev/null; then
    kill "$SERVICE_PID" 2>/dev/null || true # graceful: Camel waits for a running backup, so not for long
    for _ in $(seq 1 20); do kill -0 "$SERVICE_PID" 2>/dev/null || break; sleep 0.5; done
    kill -9 "$SERVICE_PID" 2>/dev/null || true
  fi
  if declare -F bench_cleanup_hook >/dev/null; then bench_cleanup_hook || true; fi
  stop_mariadb
  [[ -d $GNUPGHOME ]] && gpgconf --kill all >/dev/null 2>&1 || true
  rm -f "$RUN"/*.fifo "$RUN/client.cnf" 2>/dev/null || true
  exit "$rc"
}

bench_install_cleanup() {
  export GNUPGHOME=$RUN/gnupg
  trap cleanup EXIT
  trap 'log "interrupted, cleaning up"; exit 130' INT
  trap 'log "terminated, cleaning up"; exit 143' TERM
}

# ------------------------------------------------------------------------------------------------ the jar
bench_find_jar() {
  if [[ -n ${GORGEN_JAR:-} ]]; then
    JAR=$GORGEN_JAR
  else
    JAR=$ROOT/target/gorgen-backup.jar
    if [[ ! -f $JAR ]]; then
      log "building $JAR (./mvnw -q -B package -DskipTests)"
      (cd "$ROOT" && ./mvnw -q -B package -DskipTests)
    fi
  fi
  [[ -f $JAR ]] || die "service jar not found: $JAR"
  JAR=$(cd "$(dirname "$JAR")" && pwd)/$(basename "$JAR")
}

bench_new_run_dir() {
  rm -rf "$RUN"
  mkdir -p "$RUN"
  chmod 700 "$RUN"
}

# ------------------------------------------------------------------------------------------------ MariaDB
mysql_root() { mariadb --no-defaults --socket="$D/s.sock" -uroot --default-character-set=utf8mb4 "$@"; }

start_mariadb() {
  DB_PORT=$(free_port)
  mariadbd --no-defaults --user=root --datadir="$D" --socket="$D/s.sock" --port="$DB_PORT" --bind-address=127.0.0.1 \
    --log-bin="$D/binlog" --server-id=1 --binlog-format=ROW --innodb-buffer-pool-size=256M \
    --max-allowed-packet=256M --local-infile=1 >>"$MARIADB_LOG" 2>&1 &
  MARIADB_PID=$!
  log "mariadbd pid $MARIADB_PID on 127.0.0.1:$DB_PORT"
  local deadline=$((SECONDS + 60))
  until mariadb-admin --no-defaults --socket="$D/s.sock" -uroot --connect-timeout=2 ping >/dev/null 2>&1; do
    kill -0 "$MARIADB_PID" 2>/dev/null || { tail -30 "$MARIADB_LOG" >&2; die "mariadbd exited"; }
    ((SECONDS < deadline)) || { tail -30 "$MARIADB_LOG" >&2; die "mariadbd did not answer within 60 s"; }
    sleep 0.3
  done
}

# Initialises the datadir when there is no cached one, starts the server, (re)creates the user bench@127.0.0.1
# (ALL PRIVILEGES) with a new password; sets FRESH, DB_PORT, DB_PASSWORD.
bench_start_mariadb() {
  if [[ -d $DBDIR && ! -f $DBDIR/complete ]] || [[ ${BENCH_REBUILD:-0} == 1 ]]; then
    log "discarding incomplete or unwanted cached database $DBDIR"
    rm -rf "$DBDIR"
  fi
  FRESH=0
  if [[ ! -d $D ]]; then
    FRESH=1
    mkdir -p "$DBDIR"
    log "initialising datadir $D"
    mariadb-install-db --no-defaults --user=root --auth-root-authentication-method=normal --skip-test-db \
      --datadir="$D" >"$WORK/install-db.log" 2>&1 || { tail -20 "$WORK/install-db.log" >&2; die "mariadb-install-db failed"; }
  fi
  : >"$MARIADB_LOG"
  start_mariadb

  DB_PASSWORD="bench-$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')"
  mysql_root -e "DELETE FROM mysql.global_priv WHERE User=''; FLUSH PRIVILEGES;
    CREATE USER IF NOT EXISTS 'bench'@'127.0.0.1' IDENTIFIED BY '$DB_PASSWORD';
    ALTER USER 'bench'@'127.0.0.1' IDENTIFIED BY '$DB_PASSWORD';
    GRANT ALL PRIVILEGES ON *.* TO 'bench'@'127.0.0.1'; FLUSH PRIVILEGES;"
}

# ------------------------------------------------------------------------------------------------ data
# Writes TSV rows for LOAD DATA to stdout. Deterministic (seeded). Texts are built from a large pool of
# clinical sentences in Portuguese so that gzip sees realistic (not degenerate) redundancy. The byte budget is
# counted in estimated mariadb-dump bytes (TSV bytes + quotes and row punctuation).
write_generator() {
  cat >"$RUN/gen.py" <<'PYEOF'
import datetime, random, sys

table, budget, npac = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
r = random.Random({"pacientes": 1, "atendimentos": 2, "audit_logs": 3}[table])
out = sys.stdout.buffer

NOMES = ("João José Maria Ana Antônio Francisca Luís Márcia Sebastião Conceição Cecília Inês Lúcia Vitória Júlia "
         "Otávio Flávio Célia Mônica Débora Fábio Sérgio Rogério Cláudio Patrícia Letícia Beatriz Gonçalo Thaís "
         "Natália Heloísa Luíza Ângela Estêvão Caio Pedro Paulo Carlos Fernanda Juliana Camila Gabriela Rafael "
         "Lucas Mateus Gustavo Rodrigo Bruno Eduardo Vinícius Leonardo André Renata Simone Sandra Aline Priscila "
         "Tatiane Vanessa Adriana Elaine Regina Rosângela Joaquim Benedita Raimunda Valéria Irene Glória Tânia "
         "Jéssica Luana Ágata Ícaro Érica Úrsula Nélson Zélia Dalva Odete Iracema Jandira Moacir Aurélio").split()
SOBRENOMES = ("Silva Santos Oliveira Souza Rodrigues Ferreira Alves Pereira Lima Gomes Ribeiro Carvalho Araújo "
              "Gonçalves Melo Barbosa Rocha Dias Nascimento Andrade Moreira Nunes Marques Machado Mendes Freitas "
              "Cardoso Ramos Teixeira Correia Conceição Assunção Brandão Falcão Simões Magalhães Guimarães Gorgen "
              "Müller Schäfer Sá Loureiro Câmara Antunes Peçanha Fagundes Bittencourt Prestes Vargas Camargo "
              "Kämpf Schmitt Zanella Bortolini Pacheco Tavares Fontoura Estêvez Leão Pimentel Quintana Saraiva").split()
CIDADES = [("Porto Alegre", "RS"), ("Canoas", "RS"), ("Caxias do Sul", "RS"), ("Pelotas", "RS"), ("Santa Maria", "RS"),
           ("Gramado", "RS"), ("Novo Hamburgo", "RS"), ("São Leopoldo", "RS"), ("Passo Fundo", "RS"),
           ("Florianópolis", "SC"), ("Blumenau", "SC"), ("Joinville", "SC"), ("Curitiba", "PR"), ("Maringá", "PR"),
           ("São Paulo", "SP"), ("Ribeirão Preto", "SP"), ("Jundiaí", "SP"), ("Belo Horizonte", "MG"),
           ("Goiânia", "GO"), ("Brasília", "DF"), ("Niterói", "RJ"), ("Vitória", "ES"), ("São Luís", "MA"),
           ("Maceió", "AL"), ("Cuiabá", "MT"), ("Belém", "PA")]
RUAS = ("Ipiranga|Borges de Medeiros|dos Andradas|Protásio Alves|Assis Brasil|da Independência|São Pedro|"
        "José Bonifácio|Osvaldo Aranha|Érico Veríssimo|Getúlio Vargas|Sete de Setembro|XV de Novembro|"
        "Padre Chagas|Quintino Bocaiúva|Mostardeiro|Goethe|Cristóvão Colombo|Benjamin Constant|Plínio Brasil Milano|"
        "Nilo Peçanha|Carlos Gomes|Anita Garibaldi|Bento Gonçalves|Azenha|Ramiro Barcelos|Félix da Cunha").split("|")
CONVENIOS = ["Particular", "Unimed", "IPE Saúde", "Bradesco Saúde", "SulAmérica", "Cassi", "Amil", "Cabergs",
             "Postal Saúde", "Geap", "Doctor Clin", "São Francisco Saúde"]
SINTOMAS = ["dor abdominal difusa", "cefaleia holocraniana", "tosse seca", "febre não aferida", "náuseas",
            "fadiga", "dispneia aos médios esforços", "tontura rotatória", "lombalgia mecânica", "dor torácica atípica",
            "insônia inicial", "ansiedade", "prurido generalizado", "edema em membros inferiores", "perda de peso",
            "pirose", "palpitações", "artralgia em mãos", "dor em hipocôndrio direito", "mastalgia cíclica",
            "nódulo palpável em mama esquerda", "sangramento uterino irregular", "disúria", "polaciúria",
            "constipação intestinal", "diarreia líquida", "odinofagia", "rinorreia hialina", "otalgia à direita",
            "parestesias em pés", "cervicalgia", "dor em ombro esquerdo", "fogachos", "mialgia", "hiporexia",
            "sudorese noturna", "lesão pruriginosa em antebraço", "visão turva", "zumbido", "epigastralgia"]
PERIODOS = ["há 2 dias", "há 3 dias", "há uma semana", "há 10 dias", "há 2 semanas", "há 3 semanas", "há um mês",
            "há 2 meses", "há 6 meses", "há cerca de um ano", "desde a última consulta", "desde ontem à noite"]
INTENS = ["de moderada intensidade", "de forte intensidade (8/10)", "leve, intermitente", "contínua",
          "com piora noturna", "que melhora com repouso", "sem fatores de melhora", "com irradiação para o dorso",
          "associada a esforço físico", "em crises de cerca de 20 minutos"]
MEDS = ["losartana 50 mg", "metformina 850 mg", "omeprazol 20 mg", "dipirona 1 g", "paracetamol 750 mg",
        "sinvastatina 20 mg", "levotiroxina 50 mcg", "amoxicilina 500 mg", "ibuprofeno 600 mg", "tamoxifeno 20 mg",
        "anastrozol 1 mg", "sertralina 50 mg", "hidroclorotiazida 25 mg", "atenolol 25 mg", "AAS 100 mg",
        "prednisona 20 mg", "ondansetrona 8 mg", "escitalopram 10 mg", "clonazepam 0,5 mg", "anlodipino 5 mg",
        "atorvastatina 40 mg", "insulina NPH", "vitamina D 50.000 UI", "sulfato ferroso 40 mg", "alendronato 70 mg"]
POSOLOGIA = ["1 comprimido de 12/12 h", "1 comprimido ao dia pela manhã, em jejum", "se dor ou febre, até de 6/6 h",
             "1 comprimido de 8/8 h por 7 dias", "uso contínuo", "1 cápsula ao dia por 30 dias",
             "1 comprimido à noite", "1 vez por semana", "10 UI antes do café e 6 UI antes do jantar"]
EXAMES = ["hemograma completo", "glicemia de jejum", "hemoglobina glicada", "TSH e T4 livre", "creatinina e ureia",
          "ultrassonografia de abdome total", "mamografia bilateral", "tomografia de tórax", "eletrocardiograma",
          "colonoscopia", "PSA total", "perfil lipídico", "EQU e urocultura", "ecocardiograma", "densitometria óssea",
          "ressonância de coluna lombar", "ultrassonografia mamária", "TGO, TGP e GGT", "ferritina", "vitamina B12"]
RESULTADOS = ["dentro da normalidade", "discreta alteração sem significado clínico", "hemoglobina 11,2 g/dL",
              "glicemia 132 mg/dL", "LDL 168 mg/dL", "TSH 6,8 mUI/L", "BI-RADS 2", "BI-RADS 3, controle em 6 meses",
              "nódulo hipoecoico de 8 mm", "esteatose hepática leve", "creatinina 1,3 mg/dL", "PSA 2,1 ng/mL",
              "ritmo sinusal, sem alterações", "osteopenia em colo femoral", "ferritina 15 ng/mL"]
EXAME_FISICO = ["BEG, lúcido, orientado, corado, hidratado", "ausculta pulmonar com MV presente bilateralmente, sem RA",
                "RCR 2T, BNF, sem sopros", "abdome flácido, indolor à palpação, sem visceromegalias",
                "mamas simétricas, sem nódulos palpáveis, axilas livres", "MMII sem edema, panturrilhas livres",
                "orofaringe hiperemiada, sem exsudato", "otoscopia normal bilateralmente",
                "dor à palpação de musculatura paravertebral lombar", "Lasègue negativo bilateralmente",
                "pele com lesão eritematodescamativa de 2 cm", "tireoide palpável, sem nódulos"]
ANTECEDENTES = ["HAS", "DM tipo 2", "dislipidemia", "hipotireoidismo", "tabagismo (20 maços-ano)", "ex-tabagista",
                "etilismo social", "colecistectomia em 2012", "cesárea (2x)", "história familiar de câncer de mama",
                "asma na infância", "depressão em tratamento", "obesidade grau I", "nega comorbidades"]
ORIENT = ["dieta hipossódica", "atividade física regular", "sinais de alarme", "uso correto das medicações",
          "hidratação oral", "higiene do sono", "cessação do tabagismo", "autoexame das mamas",
          "retorno imediato se piora"]
DX = [("Hipertensão essencial", "I10"), ("Diabetes mellitus tipo 2", "E11.9"), ("Doença do refluxo gastroesofágico", "K21.9"),
      ("Lombalgia", "M54.5"), ("Nasofaringite aguda", "J00"), ("Transtorno de ansiedade generalizada", "F41.1"),
      ("Hipotireoidismo", "E03.9"), ("Cefaleia tensional", "G44.2"), ("Infecção do trato urinário", "N39.0"),
      ("Exame geral de rotina", "Z00.0"), ("Rastreamento de neoplasia de mama", "Z12.3"), ("Dislipidemia", "E78.5"),
      ("Neoplasia maligna da mama", "C50.9"), ("Anemia ferropriva", "D50.9"), ("Gastrite", "K29.7"),
      ("Dermatite de contato", "L25.9"), ("Osteoporose", "M81.0"), ("Depressão moderada", "F32.1")]
PROFISSIONAIS = ["Dr. André Gorgen", "Dra. Luíza Müller", "Dr. Sérgio Conceição", "Dra. Patrícia Araújo",
                 "Enf. Márcia Simões", "Dr. Otávio Câmara", "Dra. Heloísa Brandão", "Nutr. Thaís Guimarães"]
TIPOS = ["consulta", "retorno", "teleconsulta", "procedimento", "urgência", "avaliação pré-operatória"]
STATUS = ["realizado"] * 8 + ["cancelado", "faltou"]
USUARIOS = ["dr.andre", "dra.luiza", "dr.sergio", "dra.patricia", "enf.marcia", "sec.joana", "sec.conceicao",
            "fin.rogerio", "adm.tania", "integracao.api"]
ACOES = [("login", "usuario"), ("logout", "usuario"), ("visualizar_paciente", "paciente"),
         ("editar_prontuario", "atendimento"), ("imprimir_receita", "atendimento"), ("agendar_consulta", "agenda"),
         ("cancelar_consulta", "agenda"), ("exportar_relatorio", "relatorio"), ("anexar_exame", "paciente"),
         ("alterar_cadastro", "paciente"), ("emitir_nota_fiscal", "financeiro")]
AGENTS = ["Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36",
          "Mozilla/5.0 (Macintosh; Intel Mac OS X 13_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Safari/605.1.15",
          "Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0",
          "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148",
          "gorgen-mobile/3.8.1 (Android 14; SM-A546E)", "okhttp/4.12.0"]
MOTIVOS = ["atualização de contato", "correção de digitação", "solicitação do paciente", "revisão de conduta",
           "auditoria interna", "inclusão de resultado de exame", "ajuste de convênio", "rotina"]

ch = r.choice
ri = r.randint


VOCAB = sorted({w.strip(".,;:()/").lower() for lst in (SINTOMAS, PERIODOS, INTENS, MEDS, POSOLOGIA, EXAMES, RESULTADOS,
                 EXAME_FISICO, ANTECEDENTES, ORIENT, MOTIVOS, [d for d, _ in DX], RUAS) for item in lst
                 for w in item.split() if len(w) > 2} | {w.lower() for w in NOMES + SOBRENOMES})


def free_note():
    words = r.choices(VOCAB, k=ri(6, 18))
    for _ in range(ri(0, 2)):
        words.insert(ri(0, len(words)), ch((f"{ri(1, 999)}", f"{ri(1, 99)},{ri(0, 9)}", f"{ri(1, 28):02d}/{ri(1, 12):02d}")))
    return "Obs.: " + " ".join(words).capitalize() + "."


def sentence():
    k = ri(0, 18)
    if k >= 15: return free_note()
    if k == 0: return f"Paciente refere {ch(SINTOMAS)} {ch(PERIODOS)}, {ch(INTENS)}."
    if k == 1: return f"Nega {ch(SINTOMAS)}, {ch(SINTOMAS)} e {ch(SINTOMAS)}."
    if k == 2: return f"Relata melhora parcial após uso de {ch(MEDS)} {ch(POSOLOGIA)}."
    if k == 3: return f"PA {ri(95, 175)}/{ri(55, 105)} mmHg, FC {ri(52, 118)} bpm, Tax {ri(355, 389) / 10:.1f} °C, SatO2 {ri(90, 99)}%."
    if k == 4: return f"Peso {ri(450, 1300) / 10:.1f} kg, altura {ri(148, 195) / 100:.2f} m, IMC {ri(180, 420) / 10:.1f} kg/m²."
    if k == 5: return f"Exame físico: {ch(EXAME_FISICO)}; {ch(EXAME_FISICO)}."
    if k == 6: return f"Solicito {ch(EXAMES)} e {ch(EXAMES)}."
    if k == 7: return f"Resultado de {ch(EXAMES)} de {ri(1, 28):02d}/{ri(1, 12):02d}/{ri(2019, 2025)}: {ch(RESULTADOS)}."
    if k == 8: return f"Prescrito {ch(MEDS)}, {ch(POSOLOGIA)}."
    if k == 9: return f"Orientado(a) quanto a {ch(ORIENT)} e {ch(ORIENT)}."
    if k == 10: return f"Retorno em {ch((7, 15, 30, 45, 60, 90, 180))} dias com resultados."
    if k == 11: return f"Antecedentes: {ch(ANTECEDENTES)}; {ch(ANTECEDENTES)}."
    if k == 12: return f"Em uso de {ch(MEDS)} e {ch(MEDS)}; refere boa adesão ao tratamento."
    if k == 13: return f"Acompanhante ({ch(NOMES)}, {ch(('filha', 'esposo', 'mãe', 'irmão', 'cuidadora'))}) confirma o relato."
    return f"Queixa-se de {ch(SINTOMAS)} {ch(PERIODOS)}; {ch(('sem', 'com'))} uso de analgésicos."


POOL = [sentence() for _ in range(60000)]
pick = r.choices


def text(lo, hi, sep=" "):
    return sep.join(pick(POOL, k=ri(lo, hi)))


def esc(s):
    return s.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")


DAYS = [(datetime.date(2016, 1, 1) + datetime.timedelta(d)).isoformat() for d in range(3650)]
BIRTH = [(datetime.date(1930, 1, 1) + datetime.timedelta(d)).isoformat() for d in range(0, 33000, 3)]


def ts():
    return f"{ch(DAYS)} {ri(7, 19):02d}:{ri(0, 59):02d}:{ri(0, 59):02d}"


def nome():
    return f"{ch(NOMES)} {ch(SOBRENOMES)} {ch(SOBRENOMES)}" + (f" {ch(SOBRENOMES)}" if r.random() < 0.4 else "")


FOLD = str.maketrans("áàâãäéêëíïóôõöúüçñ", "aaaaaeeeiioooouucn")


def ascii_fold(s):
    return s.lower().translate(FOLD)


def pacientes():
    pid = 0
    while True:
        pid += 1
        n = nome()
        cid, uf = ch(CIDADES)
        conv = ch(CONVENIOS)
        yield pid, (
            f"{pid}\t{pid % 3 + 1}\t{n}\t{ch(NOMES) if r.random() < 0.03 else chr(92) + 'N'}\t{ri(0, 99999999999):011d}\t"
            f"{ch(BIRTH)}\t{ch('FM')}\t(51) 9{ri(1000, 9999)}-{ri(1000, 9999)}\t{ascii_fold(n.split()[0])}.{pid}@exemplo.com.br\t"
            f"Rua {ch(RUAS)}, {ri(1, 4999)}{ch(('', '', ', apto ' + str(ri(101, 1804)), ', casa ' + str(ri(1, 9)), ', bloco B'))}\t"
            f"{cid}\t{uf}\t{ri(90000000, 99999999)}\t{conv}\t"
            f"{chr(92) + 'N' if conv == 'Particular' else ri(10**9, 10**12)}\t"
            f"{esc(text(1, 4)) if r.random() < 0.5 else chr(92) + 'N'}\t{ts()}\t{ts()}\t{ts()}.{ri(0, 999):03d}\n"), 3 + 2 * 15


def atendimentos():
    aid = 0
    while True:
        aid += 1
        pid = ri(1, npac)
        dx, cid10 = ch(DX)
        yield aid, (
            f"{aid}\t{pid % 3 + 1}\t{pid}\t{ts()}\t{ch(TIPOS)}\t{ch(PROFISSIONAIS)}\t"
            f"{esc(sentence())}\t{esc(text(3, 14, ch((' ', chr(10)))))}\t{esc(text(1, 4))}\t{dx}\t{cid10}\t"
            f"{esc(text(1, 5))}\t"
            f"{esc(chr(10).join(f'{i + 1}. {ch(MEDS)} - {ch(POSOLOGIA)}' for i in range(ri(1, 5)))) if r.random() < 0.7 else chr(92) + 'N'}\t"
            f"{ri(0, 90) * 5 + 100}.{ch(('00', '50'))}\t{ch(STATUS)}\t{ts()}.{ri(0, 999):03d}\n"), 3 + 2 * 12


def audit_logs():
    lid = 0
    while True:
        lid += 1
        acao, ent = ch(ACOES)
        eid = ri(1, npac)
        det = (f'{{"paciente_id":{eid},"campos":["{ch(("anamnese", "conduta", "telefone", "convenio", "endereco"))}"],'
               f'"motivo":"{ch(MOTIVOS)}","sessao":"{r.getrandbits(64):016x}"}}')
        yield lid, (
            f"{lid}\t{ri(1, 3)}\t{ch(USUARIOS)}\t{acao}\t{ent}\t{eid}\t"
            f"{ch(('10.0.', '192.168.', '189.6.'))}{ri(0, 254)}.{ri(1, 254)}\t{ch(AGENTS)}\t{det}\t{ts()}.{ri(0, 999):03d}\n"), 3 + 2 * 7


gen = {"pacientes": pacientes, "atendimentos": atendimentos, "audit_logs": audit_logs}[table]()
written, rows, chunk = 0, 0, []
for rid, line, extra in gen:
    chunk.append(line)
    if len(chunk) == 2000:
        data = "".join(chunk).encode()
        out.write(data)
        written += len(data) + extra * len(chunk)
        rows = rid
        chunk = []
        if written >= budget:
            break
if chunk:
    data = "".join(chunk).encode()
    out.write(data)
    rows += len(chunk)
out.flush()
print(rows, file=sys.stderr)
PYEOF
}

SCHEMA_SQL="
CREATE TABLE tenants (
  id INT PRIMARY KEY AUTO_INCREMENT,
  nome VARCHAR(120) NOT NULL,
  cnpj CHAR(14) NOT NULL,
  cidade VARCHAR(100) NOT NULL,
  criado_em TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
CREATE TABLE pacientes (
  id INT PRIMARY KEY AUTO_INCREMENT,
  tenant_id INT NOT NULL,
  nome VARCHAR(200) NOT NULL,
  nome_social VARCHAR(200) NULL,
  cpf CHAR(11) NOT NULL,
  nascimento DATE NULL,
  sexo CHAR(1) NOT NULL,
  telefone VARCHAR(20) NULL,
  email VARCHAR(200) NULL,
  endereco VARCHAR(300) NULL,
  cidade VARCHAR(100) NULL,
  uf CHAR(2) NULL,
  cep CHAR(8) NULL,
  convenio VARCHAR(60) NOT NULL,
  carteirinha VARCHAR(30) NULL,
  observacoes TEXT NULL,
  ultimo_atendimento DATETIME NULL,
  criado_em DATETIME NOT NULL,
  atualizado_em DATETIME(3) NOT NULL,
  KEY idx_pacientes_cpf (cpf),
  KEY idx_pacientes_nome (tenant_id, nome(40)),
  CONSTRAINT fk_pacientes_tenant FOREIGN KEY (tenant_id) REFERENCES tenants (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
CREATE TABLE atendimentos (
  id BIGINT PRIMARY KEY AUTO_INCREMENT,
  tenant_id INT NOT NULL,
  paciente_id INT NOT NULL,
  data_hora DATETIME NOT NULL,
  tipo VARCHAR(30) NOT NULL,
  profissional VARCHAR(120) NOT NULL,
  queixa_principal VARCHAR(500) NOT NULL,
  anamnese TEXT NULL,
  exame_fisico TEXT NULL,
  hipotese_diagnostica VARCHAR(255) NULL,
  cid10 VARCHAR(8) NULL,
  conduta TEXT NULL,
  prescricao TEXT NULL,
  valor DECIMAL(10,2) NULL,
  status ENUM('agendado','realizado','cancelado','faltou') NOT NULL DEFAULT 'agendado',
  criado_em DATETIME(3) NOT NULL,
  KEY idx_atendimentos_paciente (paciente_id, data_hora),
  KEY idx_atendimentos_data (tenant_id, data_hora),
  CONSTRAINT fk_atendimentos_tenant FOREIGN KEY (tenant_id) REFERENCES tenants (id),
  CONSTRAINT fk_atendimentos_paciente FOREIGN KEY (paciente_id) REFERENCES pacientes (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
CREATE TABLE audit_logs (
  id BIGINT PRIMARY KEY AUTO_INCREMENT,
  tenant_id INT NOT NULL,
  usuario VARCHAR(120) NOT NULL,
  acao VARCHAR(60) NOT NULL,
  entidade VARCHAR(40) NOT NULL,
  entidade_id BIGINT NULL,
  ip VARCHAR(45) NULL,
  user_agent VARCHAR(255) NULL,
  detalhes TEXT NULL,
  criado_em TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  KEY idx_audit_tenant_data (tenant_id, criado_em),
  CONSTRAINT fk_audit_tenant FOREIGN KEY (tenant_id) REFERENCES tenants (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
INSERT INTO tenants (id, nome, cnpj, cidade) VALUES
  (1, 'Clínica Gorgen', '12345678000190', 'Porto Alegre'),
  (2, 'Consultório São João', '98765432000110', 'Canoas'),
  (3, 'Centro Médico Ânima', '11222333000144', 'Gramado');
"
# Created after the load (the trigger would otherwise fire for every loaded row).
OBJECTS_SQL="
CREATE TRIGGER atendimentos_atualiza_paciente AFTER INSERT ON atendimentos FOR EACH ROW
  UPDATE pacientes SET ultimo_atendimento = NEW.data_hora WHERE id = NEW.paciente_id;
CREATE FUNCTION idade(nascimento DATE) RETURNS INT DETERMINISTIC
  RETURN TIMESTAMPDIFF(YEAR, nascimento, CURDATE());
CREATE VIEW pacientes_resumo AS
  SELECT p.id, p.nome, COUNT(a.id) AS atendimentos FROM pacientes p LEFT JOIN atendimentos a ON a.paciente_id = p.id
  GROUP BY p.id, p.nome;
CREATE EVENT limpa_audit_antigo ON SCHEDULE EVERY 1 DAY DISABLE
  DO DELETE FROM audit_logs WHERE criado_em < NOW() - INTERVAL 5 YEAR;
"
COLUMNS_pacientes="id, tenant_id, nome, nome_social, cpf, nascimento, sexo, telefone, email, endereco, cidade, uf, cep, convenio, carteirinha, observacoes, ultimo_atendimento, criado_em, atualizado_em"
COLUMNS_atendimentos="id, tenant_id, paciente_id, data_hora, tipo, profissional, queixa_principal, anamnese, exame_fisico, hipotese_diagnostica, cid10, conduta, prescricao, valor, status, criado_em"
COLUMNS_audit_logs="id, tenant_id, usuario, acao, entidade, entidade_id, ip, user_agent, detalhes, criado_em"

# load_table TABLE BUDGET_BYTES NPAC: generator -> fifo -> LOAD DATA LOCAL INFILE (both cores busy, no temp
# file); sets LOADED_ROWS.
LOADED_ROWS=0
load_table() {
  local table=$1 budget=$2 npac=$3 fifo=$RUN/$1.fifo cols_var=COLUMNS_$1 gen_pid
  rm -f "$fifo"
  mkfifo "$fifo"
  python3 "$RUN/gen.py" "$table" "$budget" "$npac" >"$fifo" 2>"$RUN/$table.rows" &
  gen_pid=$!
  BG_PIDS+=("$gen_pid")
  if ! timeout "$STEP_TIMEOUT" mariadb --no-defaults --socket="$D/s.sock" -uroot --default-character-set=utf8mb4 \
    --local-infile=1 gorgen -e "
    SET SESSION sql_log_bin=0; SET SESSION foreign_key_checks=0; SET SESSION unique_checks=0;
    LOAD DATA LOCAL INFILE '$fifo' INTO TABLE $table CHARACTER SET utf8mb4
      FIELDS TERMINATED BY '\t' ESCAPED BY '\\\\' LINES TERMINATED BY '\n' (${!cols_var});
    SHOW WARNINGS LIMIT 5;" >&2; then
    kill "$gen_pid" 2>/dev/null || true
    die "loading $table failed"
  fi
  wait "$gen_pid" || die "generator for $table failed: $(cat "$RUN/$table.rows")"
  rm -f "$fifo"
  LOADED_ROWS=$(tail -1 "$RUN/$table.rows")
  log "  $table: $LOADED_ROWS rows"
}

# Builds the database gorgen of SIZE_MB (or reuses the cached one), writes $RUN/client.cnf (user bench over TCP),
# sets DATA_BYTES and warms the page cache.
bench_prepare_database() {
  if [[ ! -f $DBDIR/complete ]]; then
    target=$((SIZE_MB * 1048576))
    log "building database gorgen (~$SIZE_MB MB of dump text; cached in $DBDIR for later runs)"
    t_build=$(now)
    write_generator
    mysql_root -e "SET SESSION sql_log_bin=0; DROP DATABASE IF EXISTS gorgen; CREATE DATABASE gorgen CHARACTER SET utf8mb4;"
    mysql_root gorgen -e "SET SESSION sql_log_bin=0; $SCHEMA_SQL"
    # dump-size shares: patients 12 %, encounters 68 %, audit log 20 %
    load_table pacientes $((target * 12 / 100)) 0
    npac=$LOADED_ROWS
    load_table atendimentos $((target * 68 / 100)) "$npac"
    load_table audit_logs $((target * 20 / 100)) "$npac"
    mysql_root gorgen -e "SET SESSION sql_log_bin=0; $OBJECTS_SQL"
    mysql_root -e "FLUSH BINARY LOGS; PURGE BINARY LOGS BEFORE NOW();" || true
    touch "$DBDIR/complete"
    log "database built in $(calc "sprintf(\"%.1f\", $(now) - $t_build)") s; restarting the server so that the load's"
    log "background flushing cannot slow down the measurements (a cached run starts from the same state)"
    stop_mariadb
    start_mariadb
  else
    log "reusing cached database $DBDIR"
  fi
  (umask 077 && printf '[client]\nuser=bench\npassword=%s\nhost=127.0.0.1\nport=%s\nprotocol=TCP\n' \
    "$DB_PASSWORD" "$DB_PORT" >"$RUN/client.cnf")
  DATA_BYTES=$(mysql_root -N -e "SELECT SUM(data_length + index_length) FROM information_schema.tables WHERE table_schema='gorgen'")
  # Warm the OS page cache so that neither run pays for cold reads of the datafiles.
  cat "$D"/gorgen/*.ibd >/dev/null
}

# ------------------------------------------------------------------------------------------------ keys
# An RSA-3072 encryption key without passphrase in a throwaway GnuPG home; sets FPR, writes $RUN/bench-public.asc.
bench_gen_key() {
  mkdir -p "$GNUPGHOME"
  chmod 700 "$GNUPGHOME"
  gpg --batch --quiet --pinentry-mode loopback --passphrase '' --quick-gen-key 'Bench <bench@local>' rsa3072 encr never \
    >/dev/null 2>&1 || die "gpg key generation failed"
  FPR=$(gpg --batch --with-colons --list-keys 'bench@local' 2>/dev/null | awk -F: '/^fpr:/ { print $10; exit }')
  [[ -n $FPR ]] || die "no key fingerprint"
  gpg --batch --armor --export "$FPR" >"$RUN/bench-public.asc"
}

# ------------------------------------------------------------------------------------------------ service
# bench_start_service ROLE: an API key of ROLE (admin or master) in $RUN/api-keys (sets API_KEY), then the service as
# `java -Xmx${HEAP_MB}m -jar` in $RUN/service (copies of config/ and routes/) with the embedded S3 store under
# $RUN/service-data, on 127.0.0.1:HTTP_PORT, log in SERVICE_LOG; waits until /api/backup/status answers. Sets
# SERVICE_PID, HTTP_PORT, SVC, RSS_IDLE_KB. SERVICE_ENV_EXTRA (an array of VAR=value) adds to its environment.
# No retention clean-up after each backup: benchmarks measure backups and restores, and the daily rule would expire an
# earlier backup of the same day (a warm-up's, one a later step restores) while later steps are timed.
SERVICE_ENV_EXTRA=()
bench_start_service() {
  local role=$1
  API_KEY="bench-$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"
  printf '%s %s bench\n' "$role" "$(printf '%s' "$API_KEY" | sha256sum | cut -d' ' -f1)" >"$RUN/api-keys"
  chmod 600 "$RUN/api-keys"
  SVC=$RUN/service
  mkdir -p "$SVC" "$RUN/service-data"
  # a snapshot: the checkout may be edited while this runs. GORGEN_SERVICE_FILES: another folder holding config/ and
  # routes/, for a GORGEN_JAR built from another commit (the routes must match the jar's beans).
  cp -r "${GORGEN_SERVICE_FILES:-$ROOT}/config" "${GORGEN_SERVICE_FILES:-$ROOT}/routes" "$SVC/"
  HTTP_PORT=$(free_port)
  : >"$SERVICE_LOG"
  log "starting the service ($JAR) on 127.0.0.1:$HTTP_PORT, log in $SERVICE_LOG"
  (
    cd "$SVC"
    exec env -i PATH="$PATH" HOME="$HOME" LANG=C.UTF-8 ${JAVA_HOME:+JAVA_HOME="$JAVA_HOME"} \
      DATABASE_URL="mysql://bench:$DB_PASSWORD@127.0.0.1:$DB_PORT/gorgen" \
      BACKUP_HTTP_PORT="$HTTP_PORT" \
      BACKUP_DATA_DIR="$RUN/service-data" \
      BACKUP_PGP_PUBLIC_KEY_FILE="$RUN/bench-public.asc" \
      BACKUP_API_KEYS_FILE="$RUN/api-keys" \
      BACKUP_GZIP_LEVEL=6 \
      BACKUP_RETENTION_AFTER_BACKUP=false \
      CAMEL_SERVER_HOST=127.0.0.1 \
      "${SERVICE_ENV_EXTRA[@]}" \
      java -Xmx${HEAP_MB}m ${BENCH_JAVA_OPTS:-} -Daws.requestChecksumCalculation=WHEN_REQUIRED -jar "$JAR"
  ) >>"$SERVICE_LOG" 2>&1 &
  SERVICE_PID=$!

  deadline=$((SECONDS + 180))
  until api GET /api/backup/status >"$RUN/status.json" 2>/dev/null && [[ $(cat "$RUN/http_status") == 200 ]]; do
    kill -0 "$SERVICE_PID" 2>/dev/null || { tail -40 "$SERVICE_LOG" >&2; SERVICE_PID=""; die "the service exited during start-up"; }
    ((SECONDS < deadline)) || { tail -40 "$SERVICE_LOG" >&2; die "the service did not answer /api/backup/status within 180 s"; }
    sleep 0.5
  done
  RSS_IDLE_KB=$(awk '/^VmRSS:/ { print $2 }' "/proc/$SERVICE_PID/status")
}

api() { # api METHOD PATH [curl args...] -> body on stdout, HTTP status in $RUN/http_status
  local method=$1 path=$2
  shift 2
  curl -sS --max-time 30 -o - -w '%{stderr}%{http_code}' -X "$method" -H "Authorization: Bearer $API_KEY" \
    "$@" "http://127.0.0.1:$HTTP_PORT$path" 2>"$RUN/http_status"
}

# One full backup through the API: POST /api/backup/trigger, then GET /api/backup/history?limit=1 every 0.25 s until
# it is success or failed (or SERVICE_TIMEOUT). Sets BACKUP_ID, STATUS, t0 (the POST), t1, SVC_SECS, T_DUMP_END (the
# service's mariadb-dump child gone; empty if not seen), RSS_MAX_KB.
bench_full_backup() {
  t0=$(now)
  api POST /api/backup/trigger -H 'Content-Type: application/json' --data '{"type":"full"}' >"$RUN/trigger.json" || true
  code=$(cat "$RUN/http_status")
  [[ $code == 202 ]] || { cat "$RUN/trigger.json" >&2; die "trigger answered HTTP $code"; }
  BACKUP_ID=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["id"])' "$RUN/trigger.json")
  log "backup $BACKUP_ID running"

  STATUS=running
  SEEN_DUMP=0
  T_DUMP_END=""
  deadline=$((SECONDS + SERVICE_TIMEOUT))
  RSS_MAX_KB=0
  while :; do
    body=$(api GET '/api/backup/history?limit=1' 2>/dev/null || true)
    # cheap parse of the (pretty-printed) JSON: the first "id" and "status" are those of the newest backup
    if [[ $body =~ \"id\"[[:space:]]*:[[:space:]]*([0-9]+) ]] && [[ ${BASH_REMATCH[1]} == "$BACKUP_ID" ]] &&
      [[ $body =~ \"status\"[[:space:]]*:[[:space:]]*\"([a-z_]+)\" ]]; then
      STATUS=${BASH_REMATCH[1]}
      [[ $STATUS == success || $STATUS == failed ]] && break
    fi
    kill -0 "$SERVICE_PID" 2>/dev/null || { STATUS="service died"; break; }
    # end of the dump (and so of gzip + encryption to the spool file): the service's mariadb-dump child is gone
    if [[ -z $T_DUMP_END ]]; then
      if pgrep -P "$SERVICE_PID" -x mariadb-dump >/dev/null; then
        SEEN_DUMP=1
      elif [[ $SEEN_DUMP == 1 ]]; then
        T_DUMP_END=$(now)
      fi
    fi
    rss=$(awk '/^VmRSS:/ { print $2 }' "/proc/$SERVICE_PID/status" 2>/dev/null || echo 0)
    ((rss > RSS_MAX_KB)) && RSS_MAX_KB=$rss
    ((SECONDS < deadline)) || { STATUS="timeout after ${SERVICE_TIMEOUT} s"; break; }
    sleep 0.25
  done
  t1=$(now)
  SVC_SECS=$(calc "sprintf(\"%.2f\", $t1 - $t0)")
  log "backup $BACKUP_ID: $STATUS after ${SVC_SECS} s"
}

# The JVM's peak RSS (VmHWM) and heap summary while it still runs; sets HWM_KB, HEAP_INFO (0 / empty if it is gone).
bench_service_memory() {
  HWM_KB=0
  HEAP_INFO=""
  if kill -0 "$SERVICE_PID" 2>/dev/null; then
    HWM_KB=$(awk '/^VmHWM:/ { print $2 }' "/proc/$SERVICE_PID/status")
    if command -v jcmd >/dev/null 2>&1; then
      HEAP_INFO=$(timeout 30 jcmd "$SERVICE_PID" GC.heap_info 2>/dev/null | sed -n '2,4p' || true)
    fi
  fi
}

# Stops the service (SIGTERM, then SIGKILL after 30 s); sets OOM (yes/no: OutOfMemoryError in its log).
bench_stop_service() {
  if kill -0 "$SERVICE_PID" 2>/dev/null; then
    kill "$SERVICE_PID" 2>/dev/null || true
    for _ in $(seq 1 60); do kill -0 "$SERVICE_PID" 2>/dev/null || break; sleep 0.5; done
    kill -9 "$SERVICE_PID" 2>/dev/null || true
  fi
  SERVICE_PID=""
  OOM=no
  if grep -q 'OutOfMemoryError' "$SERVICE_LOG"; then OOM=yes; fi
}
