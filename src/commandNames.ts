/**
 * Every command id the extension registers (besides the per-stage ones in commandIds.ts). Apart
 * from the argument schemas so the lazily loaded bundles can name commands without zod.
 * Pure: no `vscode` import.
 */
export const COMMANDS = {
  newTicket: 'sdlcPipeline.newTicket',
  runStage: 'sdlcPipeline.runStage',
  runPipeline: 'sdlcPipeline.runPipeline',
  stopStage: 'sdlcPipeline.stopStage',
  changeStageModel: 'sdlcPipeline.changeStageModel',
  pickModel: 'sdlcPipeline.pickModel',
  resumeSession: 'sdlcPipeline.resumeSession',
  showRunningTerminal: 'sdlcPipeline.showRunningTerminal',
  refreshTickets: 'sdlcPipeline.refreshTickets',
  showMoreTickets: 'sdlcPipeline.showMoreTickets',
  filterTickets: 'sdlcPipeline.filterTickets',
  editTicket: 'sdlcPipeline.editTicket',
  duplicateTicket: 'sdlcPipeline.duplicateTicket',
  archiveTicket: 'sdlcPipeline.archiveTicket',
  unarchiveTicket: 'sdlcPipeline.unarchiveTicket',
  deleteTicket: 'sdlcPipeline.deleteTicket',
  openTicketFile: 'sdlcPipeline.openTicketFile',
  openPlanFile: 'sdlcPipeline.openPlanFile',
  exportTickets: 'sdlcPipeline.exportTickets',
  importTickets: 'sdlcPipeline.importTickets',
  showCostReport: 'sdlcPipeline.showCostReport',
  exportCostCsv: 'sdlcPipeline.exportCostCsv',
  openWorktree: 'sdlcPipeline.openWorktree',
  revealInSourceControl: 'sdlcPipeline.revealInSourceControl',
  reviewChanges: 'sdlcPipeline.reviewChanges',
  approveTicket: 'sdlcPipeline.approveTicket',
  requestChanges: 'sdlcPipeline.requestChanges',
  mergeTicket: 'sdlcPipeline.mergeTicket',
  updateFromBase: 'sdlcPipeline.updateFromBase',
  removeWorktree: 'sdlcPipeline.removeWorktree',
} as const;
