/**
 * The cost report as activation sees it: a handle that loads the report itself (dist/report.js,
 * its HTML, charts and CSV) on first use, so activation does not pay for it.
 */
import type { ConfigurationService } from './configuration';
import type * as Report from './costReport';
import { lazy } from './lazy';
import { Disposable } from './lifecycle';
import type { TicketService } from './ticketService';

const load = lazy<typeof Report>('report');

export class CostReportHost extends Disposable {
  private report?: Report.CostReport;

  constructor(
    private readonly tickets: TicketService,
    private readonly config: ConfigurationService,
  ) {
    super();
  }

  private get(): Report.CostReport {
    return (this.report ??= this.register(new (load().CostReport)(this.tickets, this.config)));
  }

  show(): void {
    this.get().show();
  }

  csv(): string {
    return this.get().csv();
  }
}
