-- Documents backups (the application's S3 bucket). Content is stored once, named by its SHA-256; a snapshot lists
-- every object of the bucket at that moment. The catalog keeps the newest snapshot's state (to find what changed
-- without the private key, which the backup server does not hold) and an index of the stored content.
ALTER TABLE backup_history
  MODIFY backup_type ENUM('full', 'incremental', 'transactional', 'documents-full', 'documents-incremental') NOT NULL;
CREATE TABLE IF NOT EXISTS documents_state (
  tenant_id INT NOT NULL,
  key_sha256 CHAR(64) NOT NULL,
  doc_key TEXT NOT NULL,
  size_bytes BIGINT NOT NULL,
  etag VARCHAR(200) NULL,
  last_modified TIMESTAMP(3) NULL,
  sha256 CHAR(64) NOT NULL,
  backup_id BIGINT NOT NULL,
  PRIMARY KEY (tenant_id, key_sha256)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE TABLE IF NOT EXISTS documents_content (
  tenant_id INT NOT NULL,
  sha256 CHAR(64) NOT NULL,
  size_bytes BIGINT NOT NULL,
  stored_sha256 CHAR(64) NOT NULL,
  stored_size_bytes BIGINT NOT NULL,
  object_key VARCHAR(500) NOT NULL,
  first_backup_id BIGINT NOT NULL,
  PRIMARY KEY (tenant_id, sha256)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
ALTER TABLE restore_history
  MODIFY kind ENUM('isolated', 'production', 'drill', 'pitr', 'pitr-production', 'documents', 'documents-production') NOT NULL,
  MODIFY target_database VARCHAR(600) NOT NULL;
