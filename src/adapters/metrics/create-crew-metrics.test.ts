import { describe, expect, it } from 'vitest';
import { createCrewMetrics } from './create-crew-metrics.js';

function createMetrics() {
  return createCrewMetrics({ runningTurns: () => 0, waitingTurns: async () => 0, processMetrics: false });
}

describe('createCrewMetrics: budget refusals', () => {
  it('exports crew_budget_refusals_total as a counter before any refusal', async () => {
    const { body } = await createMetrics().render();
    expect(body).toContain('# TYPE crew_budget_refusals_total counter');
  });

  it('counts refusals by scope', async () => {
    const metrics = createMetrics();
    metrics.countBudgetRefusal('team');
    metrics.countBudgetRefusal('channel');
    metrics.countBudgetRefusal('channel');
    const { body } = await metrics.render();
    expect(body).toContain('crew_budget_refusals_total{scope="team"} 1');
    expect(body).toContain('crew_budget_refusals_total{scope="channel"} 2');
  });
});
