-- Recovery measures of every restore and drill: RTO (start to validated) and RPO (age of the restored data).
ALTER TABLE restore_history ADD COLUMN rto_seconds BIGINT NULL, ADD COLUMN rpo_seconds BIGINT NULL;
