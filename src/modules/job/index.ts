/* Scheduled work (publish, unpublish, embargo lift) on graphile-worker; the jobs table is the record. GraphQL: ./resolvers.ts. */
export { Job } from "./job.entity";
export { JobService } from "./job.service";
export { JobRunner, type JobRunnerOptions, type JobTask } from "./job.runner";
export { migrateJobQueue } from "./job.migrate";
export { jobSchedule } from "./job.queue";
