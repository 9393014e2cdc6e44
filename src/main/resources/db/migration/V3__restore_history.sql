-- Every restore (and restore drill) the service ran or tried, with its validation result. Rows are never deleted.
CREATE TABLE IF NOT EXISTS restore_history (
  id BIGINT PRIMARY KEY AUTO_INCREMENT,
  tenant_id INT NOT NULL,
  backup_id BIGINT NOT NULL,
  kind ENUM('isolated', 'production', 'drill') NOT NULL,
  status ENUM('running', 'verified', 'failed') NOT NULL,
  target_database VARCHAR(64) NOT NULL,
  source_bucket VARCHAR(255) NULL,
  started_at TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  completed_at TIMESTAMP(3) NULL,
  requested_by VARCHAR(120) NOT NULL,
  validation TEXT NULL,
  error_message TEXT NULL,
  INDEX idx_restore_backup (backup_id),
  INDEX idx_restore_started (started_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
