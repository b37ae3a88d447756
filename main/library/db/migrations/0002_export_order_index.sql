-- Hand-written: drizzle-kit quotes the parts of an expression index as column names.
CREATE INDEX `files_export_order_idx` ON `files` (COALESCE(`final_at`, `detected_at`, '~'), `original_name`, `id`);
