CREATE TABLE `date_shift_files` (
	`shift_id` integer NOT NULL,
	`file_id` integer NOT NULL,
	`prev_final_at` text,
	`prev_final_offset` text,
	`prev_reviewed_at` text,
	`new_final_at` text NOT NULL,
	`new_final_offset` text,
	PRIMARY KEY(`shift_id`, `file_id`),
	FOREIGN KEY (`shift_id`) REFERENCES `date_shifts`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`file_id`) REFERENCES `files`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `date_shift_files_file_idx` ON `date_shift_files` (`file_id`);--> statement-breakpoint
CREATE TABLE `date_shifts` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`delta_ms` integer NOT NULL,
	`description` text NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	`undone_at` text
);
--> statement-breakpoint
ALTER TABLE `files` ADD `camera_model` text;