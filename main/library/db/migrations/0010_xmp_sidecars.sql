CREATE TABLE `xmp_copies` (
	`archive_id` integer NOT NULL,
	`file_id` integer NOT NULL,
	`rel_path` text NOT NULL,
	`sha256` text NOT NULL,
	`size` integer NOT NULL,
	`job_id` integer,
	`exported_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	PRIMARY KEY(`archive_id`, `file_id`),
	FOREIGN KEY (`archive_id`) REFERENCES `archives`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`file_id`) REFERENCES `files`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`job_id`) REFERENCES `jobs`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE INDEX `xmp_copies_file_idx` ON `xmp_copies` (`file_id`);