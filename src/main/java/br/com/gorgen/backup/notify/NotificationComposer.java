package br.com.gorgen.backup.notify;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

import br.com.gorgen.backup.archive.ArchiveResult;
import br.com.gorgen.backup.support.BackupHeaders;
import org.apache.camel.Exchange;
import org.apache.camel.Message;

/**
 * Writes the notifications (Brazilian Portuguese first, then English): subject, plain-text body and severity.
 * The notify route decides where they go (mail and log).
 */
public class NotificationComposer {
    public static final String SUBJECT = "Subject";

    private final ZoneId zone;
    private final boolean mailEnabled;
    private final DateTimeFormatter when;

    public NotificationComposer(ZoneId zone, boolean mailEnabled) {
        this.zone = zone;
        this.mailEnabled = mailEnabled;
        this.when = DateTimeFormatter.ofPattern("dd/MM/yyyy HH:mm:ss z", new Locale("pt", "BR")).withZone(zone);
    }

    public void backupSucceeded(Exchange exchange) {
        Message in = exchange.getIn();
        long id = in.getHeader(BackupHeaders.BACKUP_ID, Long.class);
        String type = in.getHeader(BackupHeaders.BACKUP_TYPE, "full", String.class);
        Instant started = in.getHeader(BackupHeaders.STARTED_AT, Instant.class);
        ArchiveResult a = exchange.getProperty(BackupHeaders.PROP_ARCHIVE, ArchiveResult.class);
        String duration = human(Duration.between(started, Instant.now()));
        String subject = "[GORGEN Backup] Backup " + tipo(type) + " #" + id + " concluído com sucesso";
        String body = """
                O backup %s #%d foi concluído com sucesso e verificado nos dois buckets.

                  Início:              %s
                  Duração:             %s
                  Tamanho armazenado:  %s (dados originais: %s)
                  SHA-256:             %s
                  Objeto:              %s

                Nenhuma ação é necessária.

                ---
                The %s backup #%d completed successfully and was verified in both buckets
                (started %s, took %s, %d bytes stored, SHA-256 %s).
                """.formatted(tipo(type), id, when.format(started), duration, bytes(a.storedBytes()), bytes(a.plainBytes()),
                a.storedSha256(), in.getHeader(BackupHeaders.OBJECT_KEY, String.class), type, id, started, duration,
                a.storedBytes(), a.storedSha256());
        String notes = in.getHeader(BackupHeaders.NOTES, String.class);
        if (notes != null) {
            body = "Observação: " + notes + "\n\n" + body;
        }
        set(exchange, notes == null ? Severity.INFO : Severity.WARNING, subject, body);
    }

    public void backupFailed(Exchange exchange) {
        Message in = exchange.getIn();
        Long id = in.getHeader(BackupHeaders.BACKUP_ID, Long.class);
        String type = in.getHeader(BackupHeaders.BACKUP_TYPE, "full", String.class);
        String error = in.getHeader("BackupError", "erro desconhecido", String.class);
        String which = id == null ? "não pôde ser iniciado" : "#" + id + " falhou";
        String subject = "[GORGEN Backup] CRÍTICO: backup " + tipo(type) + " " + which;
        String body = """
                ALERTA CRÍTICO: o backup %s %s em %s.

                  Erro: %s

                Nenhum backup novo foi gravado nesta execução; o último backup bem-sucedido continua válido.
                Corrija a causa e dispare um backup manual (POST /api/backup/trigger) o quanto antes.

                ---
                CRITICAL: the %s backup %s at %s.
                  Error: %s
                No new backup was stored by this run. Fix the cause and trigger a manual backup as soon as possible.
                """.formatted(tipo(type), which, when.format(Instant.now()), error, type,
                id == null ? "could not start" : "#" + id + " failed", Instant.now(), error);
        set(exchange, Severity.CRITICAL, subject, body);
    }

    public void restoreSucceeded(Exchange exchange) {
        Message in = exchange.getIn();
        Object id = in.getHeader("RestoreId");
        Object backupId = in.getHeader("RestoreBackupId");
        String database = in.getHeader("RestoreTargetDatabase", String.class);
        String subject = "[GORGEN Backup] Restauração #" + id + " do backup #" + backupId + " verificada";
        String kind = in.getHeader("RestoreKind", String.class);
        if (kind != null && kind.startsWith("documents")) {
            Object validation = exchange.getProperty("RestoreValidation");
            String text = """
                    A restauração #%s dos documentos do backup #%s terminou e foi verificada: cada documento do snapshot
                    foi gravado em %s e relido com o SHA-256 conferido (%s).

                    ---
                    Documents restore #%s of backup #%s finished and was verified: every document of the snapshot was
                    written to %s and read back with its SHA-256 checked (%s).
                    """.formatted(id, backupId, database, validation, id, backupId, database, validation);
            set(exchange, kind.endsWith("production") ? Severity.WARNING : Severity.INFO,
                    "[GORGEN Backup] Restauração de documentos #" + id + " do backup #" + backupId + " verificada", text);
            return;
        }
        if (kind != null && kind.startsWith("pitr")) {
            String point = in.getHeader("RestorePointInTime", String.class);
            boolean production = kind.equals("pitr-production");
            String where = production ? "o banco de PRODUÇÃO " + database : "o banco isolado " + database;
            String text = """
                    A recuperação para um instante (point-in-time) #%s terminou e foi verificada: %s contém os dados
                    como estavam em %s (backup completo #%s mais os logs binários copiados até esse instante; tabelas,
                    objetos do esquema e chaves estrangeiras conferidos).%s

                    ---
                    Point-in-time recovery #%s finished and was verified: %s holds the data as of %s (full backup #%s
                    plus the shipped binary logs up to that point).%s
                    """.formatted(id, where, point, backupId,
                    production ? "\nOs dados anteriores estão no backup de segurança #" + in.getHeader("RestoreSafetyBackupId")
                            + " e nas tabelas guardadas em " + in.getHeader("RestorePreviousSchema") + " (confirme com POST "
                            + "/api/backup/restore/" + id + "/confirm ou desfaça com .../rollback)."
                            : "\nA produção não foi alterada.",
                    id, production ? "the PRODUCTION database " + database : "the isolated database " + database, point,
                    backupId, production ? " The data from before is in safety backup #" + in.getHeader("RestoreSafetyBackupId")
                            + " and in the tables kept in " + in.getHeader("RestorePreviousSchema") + "."
                            : " Production was not touched.");
            set(exchange, production ? Severity.WARNING : Severity.INFO,
                    "[GORGEN Backup] Recuperação para " + point + " (#" + id + ") verificada" + (production ? " (PRODUÇÃO)" : ""), text);
            return;
        }
        if ("production".equals(in.getHeader("RestoreKind"))) {
            Object safety = in.getHeader("RestoreSafetyBackupId");
            Object previous = in.getHeader("RestorePreviousSchema");
            Instant until = in.getHeader("RestoreKeepPreviousUntil", Instant.class);
            String text = """
                    O banco de PRODUÇÃO %s foi restaurado a partir do backup #%s e verificado (contagens de linhas,
                    objetos do esquema, chaves estrangeiras). Os dados anteriores à restauração estão no backup de
                    segurança #%s e, até %s, também nas tabelas guardadas em %s.

                    Se a restauração estiver certa, confirme (as tabelas guardadas são apagadas):
                      POST /api/backup/restore/%s/confirm
                    Se não, desfaça (a produção volta a ser como era antes):
                      POST /api/backup/restore/%s/rollback

                    ---
                    The PRODUCTION database %s was restored from backup #%s and verified. The data from before the
                    restore is in safety backup #%s and, until %s, in the tables kept in %s. Confirm with
                    POST /api/backup/restore/%s/confirm, or undo with POST /api/backup/restore/%s/rollback.
                    """.formatted(database, backupId, safety, until == null ? "?" : when.format(until), previous, id, id,
                    database, backupId, safety, until, previous, id, id);
            set(exchange, Severity.WARNING, subject + " (PRODUÇÃO)", text);
            return;
        }
        String body = """
                A restauração #%s do backup #%s no banco isolado %s terminou e foi verificada: todas as tabelas têm as
                contagens de linhas do manifesto, as views, rotinas, gatilhos e eventos existem e as chaves estrangeiras
                estão íntegras. O banco de produção não foi alterado.

                ---
                Restore #%s of backup #%s into the isolated database %s finished and was verified (row counts, schema
                objects, foreign keys). Production was not touched.
                """.formatted(id, backupId, database, id, backupId, database);
        set(exchange, Severity.INFO, subject, body);
    }

    public void restoreFailed(Exchange exchange) {
        Message in = exchange.getIn();
        Object id = in.getHeader("RestoreId");
        String error = in.getHeader("RestoreError", "erro desconhecido", String.class);
        String subject = "[GORGEN Backup] CRÍTICO: restauração " + (id == null ? "não iniciada" : "#" + id + " falhou");
        String state = in.getHeader("RestoreProductionState", String.class);
        String stateText = in.getHeader("RestoreProductionStateText", String.class);
        String production = state == null ? "" : switch (state) {
            case "UNTOUCHED" -> "\nA PRODUÇÃO NÃO FOI ALTERADA: continua exatamente como estava antes da restauração.\n";
            case "ROLLED_BACK" -> "\nA PRODUÇÃO FOI DEVOLVIDA automaticamente ao estado de antes da restauração: nada "
                    + "se perdeu.\n";
            default -> "\nATENÇÃO: NÃO FOI POSSÍVEL DEVOLVER A PRODUÇÃO ao estado anterior; ela pode estar incompleta. "
                    + "Pare a aplicação e chame o suporte técnico. O serviço tenta de novo ao reiniciar.\n";
        };
        String body = """
                ALERTA CRÍTICO: a restauração %s do backup #%s falhou em %s.
                %s
                  Erro: %s

                Um backup que não se restaura não protege nada: investigue a causa agora.

                ---
                CRITICAL: restore %s of backup #%s failed at %s.%s
                  Error: %s
                """.formatted(id == null ? "" : "#" + id, in.getHeader("RestoreBackupId"), when.format(Instant.now()),
                production, error, id == null ? "" : "#" + id, in.getHeader("RestoreBackupId"), Instant.now(),
                stateText == null ? "" : "\n  Production: " + stateText + ".", error);
        set(exchange, Severity.CRITICAL, subject, body);
    }

    /** A copy of a backup was missing or corrupt (the other copy was used). */
    public void badCopy(Exchange exchange) {
        Message in = exchange.getIn();
        String problem = in.getHeader("RestoreBadCopy", String.class);
        Object backupId = in.getHeader("RestoreBackupId");
        String subject = "[GORGEN Backup] CRÍTICO: cópia do backup #" + backupId + " ausente ou corrompida";
        String body = """
                ALERTA CRÍTICO: uma cópia do backup #%s está ausente ou corrompida; a restauração usa a outra cópia.

                  Problema: %s

                Verifique o bucket afetado (falha de disco, exclusão indevida ou ataque) e refaça um backup completo.

                ---
                CRITICAL: a copy of backup #%s is missing or corrupt; the restore uses the other copy.
                  Problem: %s
                """.formatted(backupId, problem, backupId, problem);
        set(exchange, Severity.CRITICAL, subject, body);
    }

    /** CRITICAL: the reconciliation found backups missing or different in a bucket (or a bucket it could not list). */
    public void reconciliationProblems(Exchange exchange) {
        var report = exchange.getProperty(br.com.gorgen.backup.catalog.Reconciliation.PROP_REPORT,
                br.com.gorgen.backup.catalog.Reconciliation.Report.class);
        StringBuilder list = new StringBuilder();
        report.problems().stream().limit(50).forEach(p -> list.append("  - ").append(p).append('\n'));
        if (report.problems().size() > 50) {
            list.append("  ... e mais / and ").append(report.problems().size() - 50).append('\n');
        }
        String subject = "[GORGEN Backup] CRÍTICO: reconciliação encontrou " + report.problems().size()
                + " problema(s) nos buckets";
        String body = """
                ALERTA CRÍTICO: a reconciliação entre o histórico de backups e os dois buckets encontrou objetos
                ausentes ou diferentes. Um backup com uma cópia a menos não tem a proteção prometida.

                %s
                Verificação: %s (%d backups, %d objetos conferidos em cada bucket)

                Ação: verifique o bucket afetado (exclusão indevida, regra de ciclo de vida, falha ou ataque) e faça
                um novo backup completo; GET /api/backup/history mostra os backups.

                ---
                CRITICAL: the reconciliation of the backup history with both buckets found missing or different
                objects (listed above); check the bucket and take a new full backup.
                """.formatted(list, when.format(report.at()), report.backupsChecked(), report.objectsChecked());
        set(exchange, Severity.CRITICAL, subject, body);
    }

    /** The report of a disaster-recovery drill (RTO, RPO, what was checked). */
    public void drillReport(Exchange exchange) {
        Message in = exchange.getIn();
        Object id = in.getHeader("RestoreId");
        Object backupId = in.getHeader("RestoreBackupId");
        Long rto = in.getHeader("RestoreRtoSeconds", Long.class);
        Long rpo = in.getHeader("RestoreRpoSeconds", Long.class);
        Object validation = exchange.getProperty("RestoreValidation");
        String checked = validation instanceof br.com.gorgen.backup.restore.RestoreValidator.Validation v
                ? v.tablesChecked() + " tabelas / tables, " + v.rowsChecked() + " linhas / rows" : "";
        String subject = "[GORGEN Backup] Simulação de recuperação de desastre #" + id + ": OK (RTO " + human(rto) + ")";
        String body = """
                Simulação de recuperação de desastre concluída com sucesso.

                  Backup restaurado:   #%s (último backup completo bem-sucedido)
                  RTO medido:          %s (do início até o banco validado; meta do plano: < 4 h)
                  RPO (idade dos dados): %s (meta do plano: < 24 h)
                  Verificado:          %s, views, rotinas, gatilhos, eventos e chaves estrangeiras
                  Banco temporário:    removido

                ---
                Disaster-recovery drill #%s passed: backup #%s restored and validated (%s) in %s (RTO);
                data age %s (RPO). The scratch database was dropped.
                """.formatted(backupId, human(rto), human(rpo), checked, id, backupId, checked, human(rto), human(rpo));
        set(exchange, Severity.INFO, subject, body);
    }

    /** WARNING, once: the source server has binary logging off, so there is no point-in-time recovery. */
    public void binlogLoggingOff(Exchange exchange) {
        String subject = "[GORGEN Backup] AVISO: log binário desligado, sem recuperação point-in-time";
        String body = """
                O servidor de banco de dados de origem está com o log binário (binary log) desligado. Sem ele:
                  - não há backup transacional contínuo nem recuperação para um instante (point-in-time);
                  - os backups incrementais diários são feitos como backups completos.

                Como corrigir (configuração do MariaDB/MySQL, seção [mysqld], e reiniciar o servidor):
                  log_bin = binlog
                  binlog_format = ROW
                  server_id = 1        (qualquer número único)
                  expire_logs_days = 14
                e dê ao usuário do backup: REPLICATION SLAVE, BINLOG MONITOR (ou REPLICATION CLIENT) e RELOAD.

                ---
                WARNING: the source server has binary logging off: no continuous backup, no point-in-time recovery,
                and daily incrementals run as full backups. Fix: set log_bin, binlog_format=ROW and server_id in
                [mysqld] and restart; grant the backup user REPLICATION SLAVE, BINLOG MONITOR and RELOAD.
                """;
        set(exchange, Severity.WARNING, subject, body);
    }

    /** CRITICAL: binary logs were lost before they were shipped; point-in-time recovery has a hole. */
    public void binlogGap(Exchange exchange) {
        String gap = exchange.getIn().getHeader("BinlogGap", String.class);
        String subject = "[GORGEN Backup] CRÍTICO: lacuna nos logs binários, recuperação point-in-time interrompida";
        String body = """
                ALERTA CRÍTICO: logs binários foram removidos do servidor antes de serem copiados para os buckets.
                A recuperação para um instante (point-in-time) fica interrompida a partir do último evento copiado
                antes da lacuna até o próximo backup completo.

                  Detalhe: %s

                Ação: faça um backup completo agora (POST /api/backup/trigger {"type":"full"}) e aumente a retenção
                de logs binários no servidor (expire_logs_days / binlog_expire_logs_seconds) para bem mais que o
                intervalo de envio.

                ---
                CRITICAL: binary logs were purged from the server before they were shipped; point-in-time recovery is
                broken from the last event shipped before the gap until the next full backup. Run a full backup now.
                  Detail: %s
                """.formatted(gap, gap);
        set(exchange, Severity.CRITICAL, subject, body);
    }

    private static String human(Long seconds) {
        if (seconds == null) {
            return "?";
        }
        if (seconds < 3600) {
            return human(Duration.ofSeconds(seconds));
        }
        return (seconds / 3600) + " h " + (seconds % 3600 / 60) + " min";
    }

    private void set(Exchange exchange, Severity severity, String subject, String body) {
        Message in = exchange.getIn();
        in.setHeader(BackupHeaders.NOTIFY_SEVERITY, severity.name());
        in.setHeader(BackupHeaders.NOTIFY_BY_MAIL, mailEnabled);
        in.setHeader(SUBJECT, subject);
        in.setBody(body);
    }

    private static String tipo(String type) {
        return switch (type) {
            case "full" -> "completo";
            case "incremental" -> "incremental";
            case "transactional" -> "transacional";
            case "documents-full" -> "completo de documentos";
            case "documents-incremental" -> "incremental de documentos";
            default -> type;
        };
    }

    static String bytes(long n) {
        if (n < 1024) {
            return n + " B";
        }
        double v = n;
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
    }

    static String human(Duration d) {
        long s = d.toSeconds();
        return s < 60 ? s + " s" : (s / 60) + " min " + (s % 60) + " s";
    }
}
