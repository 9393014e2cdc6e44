package br.com.gorgen.backup.notify;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import javax.sql.DataSource;

import br.com.gorgen.backup.catalog.SchemaMigrator;
import br.com.gorgen.backup.support.BackupHeaders;
import br.com.gorgen.backup.support.ErrorMessages;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every notification as a row of {@code backup_alert}, written before it is mailed: an alert is never only an e-mail
 * that may not leave (SMTP down, a wrong password). Its delivery is recorded, and so is why it failed. A catalog that
 * cannot take the row does not stop the notification (it is still logged and mailed).
 */
public class AlertLog {
    private static final Logger LOG = LoggerFactory.getLogger(AlertLog.class);
    /** Exchange property: the alert row of the notification being sent. */
    public static final String PROP_ALERT_ID = "NotifyAlertId";

    private final DataSource dataSource;
    private final SchemaMigrator migrator;
    private final int tenantId;

    public AlertLog(DataSource dataSource, SchemaMigrator migrator, int tenantId) {
        this.dataSource = dataSource;
        this.migrator = migrator;
        this.tenantId = tenantId;
    }

    public void record(Exchange exchange) {
        exchange.removeProperty(PROP_ALERT_ID);
        try {
            migrator.ensureMigrated();
            try (Connection c = dataSource.getConnection();
                    PreparedStatement ps = c.prepareStatement("INSERT INTO backup_alert (tenant_id, severity, subject, body, "
                            + "by_mail) VALUES (?, ?, ?, ?, ?)", Statement.RETURN_GENERATED_KEYS)) {
                ps.setInt(1, tenantId);
                ps.setString(2, exchange.getIn().getHeader(BackupHeaders.NOTIFY_SEVERITY, "INFO", String.class));
                String subject = exchange.getIn().getHeader("Subject", "", String.class);
                ps.setString(3, subject.length() > 500 ? subject.substring(0, 500) : subject);
                ps.setString(4, exchange.getIn().getBody(String.class));
                ps.setBoolean(5, exchange.getIn().getHeader(BackupHeaders.NOTIFY_BY_MAIL, false, Boolean.class));
                ps.executeUpdate();
                try (ResultSet keys = ps.getGeneratedKeys()) {
                    keys.next();
                    exchange.setProperty(PROP_ALERT_ID, keys.getLong(1));
                }
            }
        } catch (Exception e) {
            LOG.error("The notification '{}' could not be recorded in the catalog ({}); it is logged and mailed anyway",
                    exchange.getIn().getHeader("Subject"), ErrorMessages.describe(e));
        }
    }

    public void delivered(Exchange exchange) {
        update(exchange, "UPDATE backup_alert SET delivered_at = CURRENT_TIMESTAMP(3), attempts = attempts + 1, "
                + "last_error = NULL WHERE id = ?", null);
    }

    public void failed(Exchange exchange) {
        Exception cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        update(exchange, "UPDATE backup_alert SET attempts = attempts + 1, last_error = ? WHERE id = ?",
                ErrorMessages.describe(cause));
    }

    private void update(Exchange exchange, String sql, String error) {
        Long id = exchange.getProperty(PROP_ALERT_ID, Long.class);
        if (id == null) {
            return;
        }
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            int i = 1;
            if (error != null) {
                ps.setString(i++, error);
            }
            ps.setLong(i, id);
            ps.executeUpdate();
        } catch (SQLException e) {
            LOG.warn("Alert {}: its delivery could not be recorded: {}", id, e.getMessage());
        }
    }
}
