/* Scheduled work (publish, unpublish, embargo lift) on graphile-worker; the jobs table is the record. GraphQL: ./resolvers.ts. */
export { Job } from "./job.entity";
export { JobService } from "./job.service";
export { JobRunner, type JobRunnerOptions } from "./job.runner";
export { DELIVERY_POOL, SCHEDULED_POOL, type JobTask, type TaskRegistry, type WorkerPool } from "../queue";
export { migrateJobQueue } from "./job.migrate";
export { jobBacklog, type JobBacklog } from "./backlog";
export { jobSchedule } from "../queue";
