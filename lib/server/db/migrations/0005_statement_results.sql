ALTER TABLE "runs" ADD COLUMN "parent_id" text;--> statement-breakpoint
ALTER TABLE "runs" ADD COLUMN "statements" jsonb DEFAULT '[]'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "runs" ADD CONSTRAINT "runs_parent_id_runs_id_fk" FOREIGN KEY ("parent_id") REFERENCES "public"."runs"("id") ON DELETE cascade ON UPDATE no action;