CREATE TABLE `sidecar_copies` (
	`archive_id` integer NOT NULL,
	`sidecar_id` integer NOT NULL,
	`rel_path` text NOT NULL,
	`sha256` text NOT NULL,
	`size` integer NOT NULL,
	`job_id` integer,
	`exported_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	PRIMARY KEY(`archive_id`, `sidecar_id`),
	FOREIGN KEY (`archive_id`) REFERENCES `archives`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`sidecar_id`) REFERENCES `sidecars`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`job_id`) REFERENCES `jobs`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE TABLE `sidecars` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`file_id` integer NOT NULL,
	`path` text NOT NULL,
	`kind` text NOT NULL,
	`suffix` text NOT NULL,
	`size` integer NOT NULL,
	`sha256` text NOT NULL,
	FOREIGN KEY (`file_id`) REFERENCES `files`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `sidecars_path_uq` ON `sidecars` (`path`);--> statement-breakpoint
CREATE INDEX `sidecars_file_idx` ON `sidecars` (`file_id`);--> statement-breakpoint
ALTER TABLE `files` ADD `group_main` integer;--> statement-breakpoint
ALTER TABLE `files` ADD `content_id` text;--> statement-breakpoint
CREATE INDEX `files_group_main_idx` ON `files` (`group_main`);