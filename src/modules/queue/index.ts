/* The job queue's face (graphile-worker): task names, pools, enqueueing in the caller's transaction, the keyed kicker. Depends on nothing but shared, so the outbox, webhooks and the scheduled-job runner all build on it without an import circle. */
export {
  DELIVERY_POOL,
  SCHEDULED_POOL,
  SCHEDULED_JOB_TASK,
  SCHEDULED_JOB_MAX_ATTEMPTS,
  KeyedJobKicker,
  cancelJobsIn,
  enqueueIn,
  enqueueManyIn,
  jobSchedule,
  removeJobIn,
  scheduleJobIn,
  type EnqueueOptions,
  type JobTask,
  type Queryable,
  type TaskRegistry,
  type WorkerPool,
} from "./queue";
