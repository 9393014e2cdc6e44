-- Retention collects stored documents objects (contents and packs) no kept snapshot references, and forgets them in
-- the content index by object key.
ALTER TABLE documents_content ADD INDEX idx_content_object (tenant_id, object_key);
