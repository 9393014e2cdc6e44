-- Point-in-time recovery. binlog_file/binlog_position mean, by backup type:
--   full: the snapshot's binary-log coordinates (replay starts there);
--   incremental: where the next replay continues (the file after the last one it holds, position 4);
--   transactional: the shipped file and its end position.
-- start_binlog_* is where an incremental or transactional backup's replay starts; first/last_event_at the time of
-- the first and last events it holds; snapshot_at an upper bound of a full backup's snapshot time; source_id the
-- identity of the server the logs came from; parent_id the backup an incremental is chained to.
ALTER TABLE backup_history
  ADD COLUMN source_id VARCHAR(120) NULL,
  ADD COLUMN snapshot_at TIMESTAMP(3) NULL,
  ADD COLUMN first_event_at TIMESTAMP(3) NULL,
  ADD COLUMN last_event_at TIMESTAMP(3) NULL,
  ADD COLUMN start_binlog_file VARCHAR(255) NULL,
  ADD COLUMN start_binlog_position BIGINT NULL,
  ADD COLUMN parent_id BIGINT NULL,
  ADD COLUMN notes TEXT NULL,
  ADD INDEX idx_backup_source (tenant_id, source_id, backup_type, status);
ALTER TABLE restore_history
  MODIFY kind ENUM('isolated', 'production', 'drill', 'pitr', 'pitr-production') NOT NULL,
  ADD COLUMN point_in_time VARCHAR(80) NULL;
