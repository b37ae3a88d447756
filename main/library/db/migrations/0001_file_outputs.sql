CREATE TABLE `file_outputs` (
	`file_id` integer PRIMARY KEY NOT NULL,
	`output_path` text NOT NULL,
	`job_id` integer,
	`exported_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	FOREIGN KEY (`file_id`) REFERENCES `files`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`job_id`) REFERENCES `jobs`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
-- Hand-added: keep what earlier exports recorded.
INSERT INTO `file_outputs` (`file_id`, `output_path`) SELECT `id`, `output_path` FROM `files` WHERE `output_path` IS NOT NULL;--> statement-breakpoint
ALTER TABLE `files` DROP COLUMN `output_path`;