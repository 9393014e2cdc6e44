-- S3 Object Lock: the retain-until date the retention clean-up last extended a backup's objects to (null: only the
-- date they were stored with).
ALTER TABLE backup_history ADD COLUMN locked_until TIMESTAMP(3) NULL;
