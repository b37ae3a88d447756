-- Hand-written: drizzle-kit quotes the parts of an expression index as column names.
CREATE INDEX `files_browse_idx` ON `files` (COALESCE(`final_at`, `detected_at`, '~'), `original_name`, `id`, `confidence`, `final_at`, `detected_at`, `discarded`, `detected_source`, `final_precision`, `duplicate_group`, `error`);--> statement-breakpoint
CREATE INDEX `files_folder_idx` ON `files` (rtrim(rtrim(`original_path`, replace(`original_path`, '/', '')), '/'));
