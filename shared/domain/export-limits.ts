/** Limits on audit exports per tenant: enforced in audit-trail-service.ts, stated in the OpenAPI document. */

/**
 * At most this many exports of a tenant are in progress (requested, not yet done or failed) at once: an
 * export reads the whole filter and writes it to S3, and 334 of them were once started in 6 minutes.
 */
export const MAX_EXPORTS_IN_PROGRESS = 3;

/**
 * How long an export may hold its slot without releasing it: the worker's maximum duration, three runs
 * of at most 15 minutes (shared/jobs/schedules.ts exportWorker; test/unit/export-slots.test.ts keeps
 * the two in step), rounded up to an hour.
 */
export const EXPORT_SLOT_TTL_SECONDS = 60 * 60;

/** Retry-After of a refused export request: most exports finish within seconds (docs/PERFORMANCE.md). */
export const EXPORT_RETRY_AFTER_SECONDS = 30;
