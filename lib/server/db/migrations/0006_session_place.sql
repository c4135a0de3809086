ALTER TABLE "runs" ADD COLUMN "place" jsonb;--> statement-breakpoint
ALTER TABLE "editor_tabs" ADD COLUMN "place" jsonb;