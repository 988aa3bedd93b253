import { describe, expect, it } from 'vitest';
import { EXPORT_SLOT_TTL_SECONDS } from '../../shared/domain/export-limits';
import { exportWorker } from '../../shared/jobs/schedules';

describe('export slots', () => {
  it('outlive every run of the export worker, so a slot never frees while its export may still run', () => {
    expect(EXPORT_SLOT_TTL_SECONDS).toBeGreaterThanOrEqual(exportWorker.timeoutSeconds * (exportWorker.maxRetries + 1));
  });
});
