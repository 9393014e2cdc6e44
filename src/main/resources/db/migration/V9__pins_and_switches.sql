-- Pins: a backup in use (a restore, a drill, a download, a catalog rebuild) is never expired. A pin names its owner
-- ("restore #12") and the process that took it; pins of a process that is gone are released at the next start.
CREATE TABLE IF NOT EXISTS backup_pin (
  id BIGINT PRIMARY KEY AUTO_INCREMENT,
  tenant_id INT NOT NULL,
  backup_id BIGINT NOT NULL,
  owner VARCHAR(120) NOT NULL,
  instance_id VARCHAR(64) NOT NULL,
  pinned_at TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  INDEX idx_pin_backup (tenant_id, backup_id),
  INDEX idx_pin_owner (tenant_id, owner)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
-- 'expiring': claimed by a removal (the clean-up or a deletion by hand) while its objects are deleted; a removal
-- interrupted by a stop is finished at the next start.
ALTER TABLE backup_history
  MODIFY status ENUM('running', 'validating', 'success', 'failed', 'expiring', 'expired') NOT NULL;
-- The journal of every switch of production to a restored copy: which schemas hold what, how far it went, and the
-- definitions of the views, routines, triggers and events production had (to put them back). A switch left unfinished
-- by a stop is rolled back at the next start; the previous tables are kept until keep_until or a confirmation.
CREATE TABLE IF NOT EXISTS production_switch (
  restore_id BIGINT PRIMARY KEY,
  tenant_id INT NOT NULL,
  production_database VARCHAR(64) NOT NULL,
  staging_database VARCHAR(64) NOT NULL,
  previous_database VARCHAR(64) NOT NULL,
  phase ENUM('staging', 'prepared', 'switched', 'done', 'rolled-back', 'confirmed') NOT NULL,
  read_only_set BOOLEAN NOT NULL DEFAULT FALSE,
  safety_backup_id BIGINT NULL,
  previous_tables TEXT NULL,
  restored_tables TEXT NULL,
  started_at TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  switched_at TIMESTAMP(3) NULL,
  keep_until TIMESTAMP(3) NULL,
  finished_at TIMESTAMP(3) NULL,
  message TEXT NULL,
  INDEX idx_switch_phase (tenant_id, phase)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
CREATE TABLE IF NOT EXISTS production_switch_object (
  restore_id BIGINT NOT NULL,
  side ENUM('previous', 'restored') NOT NULL,
  seq INT NOT NULL,
  kind ENUM('VIEW', 'PROCEDURE', 'FUNCTION', 'TRIGGER', 'EVENT') NOT NULL,
  name VARCHAR(64) NOT NULL,
  sql_mode VARCHAR(1000) NULL,
  character_set VARCHAR(64) NULL,
  collation_name VARCHAR(64) NULL,
  time_zone VARCHAR(64) NULL,
  ddl MEDIUMTEXT NOT NULL,
  PRIMARY KEY (restore_id, side, seq)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
-- Databases left by restores (isolated, drills, staging): dropped by the clean-up once kept long enough
-- (backup.restore.isolated.keep.hours after the restore ended, or until database_keep_until when a restore asked to
-- keep its database longer).
ALTER TABLE restore_history
  ADD COLUMN database_keep_until TIMESTAMP(3) NULL,
  ADD COLUMN database_dropped_at TIMESTAMP(3) NULL;
-- Every notification, recorded before it is sent: an alert whose e-mail could not be sent (SMTP down) is not lost;
-- delivered_at stays empty and last_error says why.
CREATE TABLE IF NOT EXISTS backup_alert (
  id BIGINT PRIMARY KEY AUTO_INCREMENT,
  tenant_id INT NOT NULL,
  severity VARCHAR(20) NOT NULL,
  subject VARCHAR(500) NOT NULL,
  body MEDIUMTEXT NOT NULL,
  created_at TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  by_mail BOOLEAN NOT NULL,
  delivered_at TIMESTAMP(3) NULL,
  attempts INT NOT NULL DEFAULT 0,
  last_error TEXT NULL,
  INDEX idx_alert_undelivered (tenant_id, delivered_at, created_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
