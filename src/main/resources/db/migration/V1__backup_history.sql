-- History of every backup the service ran or tried. Rows are never deleted: expired backups are marked.
CREATE TABLE IF NOT EXISTS backup_history (
  id BIGINT PRIMARY KEY AUTO_INCREMENT,
  tenant_id INT NOT NULL,
  backup_type ENUM('full', 'incremental', 'transactional') NOT NULL,
  status ENUM('running', 'validating', 'success', 'failed', 'expired') NOT NULL,
  started_at TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  completed_at TIMESTAMP(3) NULL,
  file_path VARCHAR(500) NOT NULL,
  file_size_bytes BIGINT NULL,
  checksum_sha256 CHAR(64) NULL,
  error_message TEXT NULL,
  created_by VARCHAR(120) NOT NULL,
  manifest_path VARCHAR(500) NULL,
  plaintext_sha256 CHAR(64) NULL,
  plaintext_size_bytes BIGINT NULL,
  binlog_file VARCHAR(255) NULL,
  binlog_position BIGINT NULL,
  INDEX idx_backup_date (started_at),
  INDEX idx_backup_status (status),
  INDEX idx_backup_tenant_type (tenant_id, backup_type, status)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
