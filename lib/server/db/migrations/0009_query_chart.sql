ALTER TABLE "queries" ADD COLUMN "chart" jsonb;--> statement-breakpoint
ALTER TABLE "query_versions" ADD COLUMN "chart" jsonb;--> statement-breakpoint
ALTER TABLE "editor_tabs" ADD COLUMN "chart" jsonb;