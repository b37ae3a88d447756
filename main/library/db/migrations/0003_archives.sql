CREATE TABLE `archive_copies` (
	`archive_id` integer NOT NULL,
	`file_id` integer NOT NULL,
	`rel_path` text NOT NULL,
	`sha256` text NOT NULL,
	`size` integer NOT NULL,
	`mtime_ms` integer,
	`job_id` integer,
	`exported_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	PRIMARY KEY(`archive_id`, `file_id`),
	FOREIGN KEY (`archive_id`) REFERENCES `archives`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`file_id`) REFERENCES `files`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`job_id`) REFERENCES `jobs`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE INDEX `archive_copies_file_idx` ON `archive_copies` (`file_id`);--> statement-breakpoint
CREATE TABLE `archives` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`root` text NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `archives_root_uq` ON `archives` (`root`);--> statement-breakpoint
DROP INDEX `files_order_idx`;--> statement-breakpoint
ALTER TABLE `jobs` ADD `stats` text;--> statement-breakpoint
ALTER TABLE `jobs` ADD `resume_after` text;--> statement-breakpoint
-- Hand-added: earlier exports kept one output path per file; each becomes a copy in the archive its
-- export job wrote to (the job's output folder, else the output-folder setting it used).
CREATE TEMP TABLE `_old_outputs` AS
  SELECT o.`file_id`, o.`output_path`, o.`job_id`, o.`exported_at`,
    COALESCE(json_extract(j.`options`, '$.outputDir'),
             (SELECT json_extract(s.`value`, '$') FROM `settings` s WHERE s.`key` = 'output_directory')) AS `root`
  FROM `file_outputs` o LEFT JOIN `jobs` j ON j.`id` = o.`job_id`;--> statement-breakpoint
INSERT OR IGNORE INTO `archives` (`root`) SELECT DISTINCT `root` FROM `_old_outputs` WHERE `root` IS NOT NULL;--> statement-breakpoint
INSERT OR IGNORE INTO `archive_copies` (`archive_id`, `file_id`, `rel_path`, `sha256`, `size`, `job_id`, `exported_at`)
  SELECT a.`id`, o.`file_id`, replace(substr(o.`output_path`, length(a.`root`) + 2), char(92), '/'), f.`sha256`, f.`size`, o.`job_id`, o.`exported_at`
  FROM `_old_outputs` o JOIN `archives` a ON a.`root` = o.`root` JOIN `files` f ON f.`id` = o.`file_id`
  WHERE f.`sha256` IS NOT NULL AND substr(o.`output_path`, 1, length(a.`root`) + 1) IN (a.`root` || '/', a.`root` || char(92));--> statement-breakpoint
DROP TABLE `_old_outputs`;
