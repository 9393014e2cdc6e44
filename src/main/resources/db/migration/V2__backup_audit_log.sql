-- Append-only audit trail of every call that changes something (who, what, when).
CREATE TABLE IF NOT EXISTS backup_audit_log (
  id BIGINT PRIMARY KEY AUTO_INCREMENT,
  tenant_id INT NOT NULL,
  occurred_at TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  actor VARCHAR(120) NOT NULL,
  actor_role VARCHAR(20) NULL,
  action VARCHAR(60) NOT NULL,
  target VARCHAR(255) NULL,
  outcome VARCHAR(20) NOT NULL,
  details TEXT NULL,
  remote_address VARCHAR(64) NULL,
  INDEX idx_audit_time (occurred_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

-- @optional: needs the TRIGGER privilege (and SUPER or log_bin_trust_function_creators with binary logging)
CREATE TRIGGER backup_audit_log_no_update BEFORE UPDATE ON backup_audit_log FOR EACH ROW
  SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'backup_audit_log is append-only';

-- @optional: needs the TRIGGER privilege (and SUPER or log_bin_trust_function_creators with binary logging)
CREATE TRIGGER backup_audit_log_no_delete BEFORE DELETE ON backup_audit_log FOR EACH ROW
  SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'backup_audit_log is append-only';
