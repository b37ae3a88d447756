CREATE TABLE `file_tags` (
	`file_id` integer NOT NULL,
	`tag_id` integer NOT NULL,
	PRIMARY KEY(`file_id`, `tag_id`),
	FOREIGN KEY (`file_id`) REFERENCES `files`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`tag_id`) REFERENCES `tags`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `file_tags_tag_idx` ON `file_tags` (`tag_id`);--> statement-breakpoint
CREATE TABLE `files` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`original_path` text NOT NULL,
	`original_name` text NOT NULL,
	`import_root` text NOT NULL,
	`size` integer NOT NULL,
	`mtime_ms` integer,
	`sha256` text,
	`media_type` text,
	`mime` text,
	`width` integer,
	`height` integer,
	`detected_at` text,
	`detected_offset` text,
	`detected_source` text,
	`candidates` text DEFAULT '[]' NOT NULL,
	`confidence` text DEFAULT 'none' NOT NULL,
	`final_at` text,
	`final_offset` text,
	`reviewed_at` text,
	`discarded` integer DEFAULT false NOT NULL,
	`duplicate_group` integer,
	`output_path` text,
	`error` text,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	`updated_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `files_original_path_uq` ON `files` (`original_path`);--> statement-breakpoint
CREATE INDEX `files_sha256_idx` ON `files` (`sha256`);--> statement-breakpoint
CREATE INDEX `files_duplicate_group_idx` ON `files` (`duplicate_group`);--> statement-breakpoint
CREATE INDEX `files_order_idx` ON `files` (`final_at`,`detected_at`,`original_name`);--> statement-breakpoint
CREATE TABLE `job_files` (
	`job_id` integer NOT NULL,
	`file_id` integer NOT NULL,
	`status` text DEFAULT 'pending' NOT NULL,
	`error` text,
	PRIMARY KEY(`job_id`, `file_id`),
	FOREIGN KEY (`job_id`) REFERENCES `jobs`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`file_id`) REFERENCES `files`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `job_files_file_idx` ON `job_files` (`file_id`);--> statement-breakpoint
CREATE TABLE `jobs` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`type` text NOT NULL,
	`status` text NOT NULL,
	`progress_current` integer DEFAULT 0 NOT NULL,
	`progress_total` integer DEFAULT 0 NOT NULL,
	`bytes_current` integer DEFAULT 0 NOT NULL,
	`bytes_total` integer DEFAULT 0 NOT NULL,
	`current_file` text,
	`error_count` integer DEFAULT 0 NOT NULL,
	`error_code` text,
	`error_message` text,
	`options` text DEFAULT '{}' NOT NULL,
	`retry_count` integer DEFAULT 0 NOT NULL,
	`queued_at` text,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	`started_at` text,
	`completed_at` text
);
--> statement-breakpoint
CREATE INDEX `jobs_status_idx` ON `jobs` (`status`,`queued_at`);--> statement-breakpoint
CREATE TABLE `settings` (
	`key` text PRIMARY KEY NOT NULL,
	`value` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `tags` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `tags_name_uq` ON `tags` (`name`);