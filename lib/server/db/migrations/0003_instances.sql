CREATE TABLE "instances" (
	"id" text PRIMARY KEY NOT NULL,
	"started_at" timestamp (3) with time zone NOT NULL,
	"heartbeat_at" timestamp (3) with time zone NOT NULL
);
--> statement-breakpoint
CREATE INDEX "runs_running_idx" ON "runs" USING btree ("instance_id") WHERE "runs"."status" = 'running';