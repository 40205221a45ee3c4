/**
 * GitHub in and out, the pure part: which repository a remote URL names, what an issue
 * reference means, how an issue becomes a ticket draft, and the Markdown of the status comment
 * and the pull request (in English, whatever the editor's language: the whole team reads them).
 * Nothing here talks to the network. Pure: no `vscode` import.
 */
import * as z from 'zod/mini';
import { costOf, priceFor, type PriceTable } from './cost';
import { formatDuration, formatUsd } from './format';
import { STAGES } from './stages';
import type { IssueLink } from './issueLink';
import { DESCRIPTION_MAX, lastRun, oneLine, TITLE_MAX, type Run, type Ticket, type TicketType } from './ticket';

export const COMMENT_MODES = ['off', 'summary', 'live'] as const;
export type CommentMode = (typeof COMMENT_MODES)[number];

/** A repository on a GitHub host (github.com or an Enterprise server). */
export interface RepoRef {
  /** `github.com` or the Enterprise host (with its port, if any). */
  host: string;
  owner: string;
  repo: string;
}

import { HOST, NAME, OWNER } from './issueLink';

const ok = (host: string, owner: string, repo: string): RepoRef | undefined => {
  const r = repo.replace(/\.git$/, '');
  return HOST.test(host) && OWNER.test(owner) && NAME.test(r) && r !== '.' && r !== '..' ? { host: host.toLowerCase(), owner, repo: r } : undefined;
};

/**
 * The repository a git remote URL names: `https://host/owner/repo(.git)`, `ssh://git@host/owner/repo`,
 * `git@host:owner/repo.git`. Anything else (a local path, a URL with more path parts) is not a GitHub remote.
 */
export function parseRemote(url: string): RepoRef | undefined {
  const u = url.trim();
  const scp = /^[\w.-]+@([A-Za-z0-9.-]+):([^/]+)\/([^/]+?)\/?$/.exec(u);
  if (scp) return ok(scp[1], scp[2], scp[3]);
  const m = /^(https?|ssh|git):\/\/(?:[^@/]+@)?([^/]+)\/([^/]+)\/([^/]+?)\/?$/.exec(u);
  if (!m) return undefined;
  // An ssh or git port is not the web host's port: github.com:22 is github.com.
  const host = m[1] === 'ssh' || m[1] === 'git' ? m[2].replace(/:\d+$/, '') : m[2];
  return ok(host, m[3], m[4]);
}

/** Whether a remote's host is the one we talk to: github.com, or the configured Enterprise host. */
export function isGitHubHost(host: string, enterpriseHost: string | undefined): boolean {
  const h = host.toLowerCase();
  return h === 'github.com' || (!!enterpriseHost && h === enterpriseHost.toLowerCase());
}

/** `https://host/owner/repo/issues/12`, `owner/repo#12`, `#12` or `12` (the last two in `repo`). */
export function parseIssueRef(text: string, repo?: RepoRef): (RepoRef & { number: number }) | undefined {
  const r = parseIssueRefAny(text, repo);
  return r && r.number > 0 ? r : undefined;
}

function parseIssueRefAny(text: string, repo?: RepoRef): (RepoRef & { number: number }) | undefined {
  const t = text.trim();
  const url = /^https?:\/\/([^/\s]+)\/([^/\s]+)\/([^/\s]+)\/(?:issues|pull)\/(\d{1,9})(?:[/?#]\S*)?$/.exec(t);
  if (url) {
    const r = ok(url[1], url[2], url[3]);
    return r ? { ...r, number: Number(url[4]) } : undefined;
  }
  const short = /^([^/\s#]+)\/([^/\s#]+)#(\d{1,9})$/.exec(t);
  if (short && repo) {
    const r = ok(repo.host, short[1], short[2]);
    return r ? { ...r, number: Number(short[3]) } : undefined;
  }
  const num = /^#?(\d{1,9})$/.exec(t);
  return num && repo ? { ...repo, number: Number(num[1]) } : undefined;
}

export { IssueLinkSchema, type IssueLink } from './issueLink';

export const issueKey = (r: RepoRef & { number: number }) => `${r.host}/${r.owner}/${r.repo}#${r.number}`.toLowerCase();
export const issueLabel = (l: Pick<IssueLink, 'owner' | 'repo' | 'number'>) => `${l.owner}/${l.repo}#${l.number}`;

/** What we read of an issue (the REST API's fields we use). Unknown fields are dropped. */
export const IssueSchema = /* @__PURE__ */ (() => z.object({
  number: z.int().check(z.positive()),
  title: z.string(),
  body: z.optional(z.nullable(z.string())),
  html_url: z.string(),
  state: z.optional(z.string()),
  labels: z._default(z.array(z.union([z.string(), z.object({ name: z.optional(z.nullable(z.string())) })])), []),
  assignee: z.optional(z.nullable(z.object({ login: z.string() }))),
  /** The API URL of the issue's repository (search results span repositories). */
  repository_url: z.optional(z.string()),
  /** Present on pull requests, which the issues endpoints also list. */
  pull_request: z.optional(z.unknown()),
}))();
export type Issue = z.infer<typeof IssueSchema>;

export const labelNames = (i: Pick<Issue, 'labels'>) => i.labels.map((l) => (typeof l === 'string' ? l : l.name ?? '')).filter(Boolean);

/** `bug` → bug, `enhancement`/`feature` → feature, anything else → chore. */
export function typeFromLabels(labels: readonly string[]): TicketType {
  const ls = labels.map((l) => l.toLowerCase());
  if (ls.includes('bug')) return 'bug';
  if (ls.some((l) => l === 'enhancement' || l === 'feature')) return 'feature';
  return 'chore';
}

/** The ticket an issue becomes: its text is data (cut to the ticket's limits, never interpreted). */
export function draftFromIssue(issue: Issue, repo: RepoRef): { title: string; description: string; type: TicketType; link: IssueLink } {
  // One line: a title's line breaks could otherwise start a section of the ticket file.
  const title = (oneLine(issue.title) || `Issue #${issue.number}`).slice(0, TITLE_MAX);
  const body = issue.body ?? '';
  const description = body.length > DESCRIPTION_MAX ? `${body.slice(0, DESCRIPTION_MAX - 80)}\n\n[… cut: the issue body is ${body.length.toLocaleString('en')} characters]` : body;
  const url = `https://${repo.host}/${repo.owner}/${repo.repo}/issues/${issue.number}`;
  return { title, description, type: typeFromLabels(labelNames(issue)), link: { host: repo.host, owner: repo.owner, repo: repo.repo, number: issue.number, url } };
}

/**
 * Which token to use, in order: VS Code's session (without prompting), the environment's
 * (`GH_TOKEN`, `GITHUB_TOKEN`, …, first non-empty), then asking (only when a command may prompt).
 */
export async function chooseToken(session: () => Promise<string | undefined>, env: readonly (string | undefined)[], ask: () => Promise<string | undefined>): Promise<string | undefined> {
  const s = await session();
  if (s) return s;
  const e = env.find((v) => typeof v === 'string' && v.trim());
  if (e) return e.trim();
  return ask();
}

// ---- what goes back ----

/** The hidden line that marks a status comment as this ticket's (found again after a reload). */
export const commentMarker = (ticketId: number) => `<!-- sdlc-pipeline:status ticket=${ticketId} -->`;

/** Text from a ticket or the agent, safe in a Markdown table cell or line: no markup, no HTML, no mentions. */
export function mdText(s: string): string {
  return s
    .replace(/&/g, '&amp;')
    .replace(/[\r\n]+/g, ' ')
    .replace(/[\\`*_{}[\]()#+!|<>~]/g, (c) => `\\${c}`)
    .replace(/@/g, '@\u200b')
    .replace(/:\/\//g, ':\u200b//')
    .replace(/\bwww\./gi, (w) => `${w[0]}\u200b${w.slice(1)}`)
    .replace(/[\u202a-\u202e\u2066-\u2069\u200e\u200f]/g, '')
    .slice(0, 300);
}

export interface StageRow {
  stage: string;
  asked: string;
  ran: string;
  status: string;
  duration: string;
  cost: string;
}

/** One row per selected stage: its latest run (or "not run"). */
export function stageRows(ticket: Ticket): StageRow[] {
  return STAGES.filter((s) => ticket.stages[s.id]?.enabled).map((s) => {
    const r: Run | undefined = lastRun(ticket, s.id);
    return {
      stage: s.name,
      asked: r?.modelAsked ?? ticket.stages[s.id]?.model ?? '—',
      ran: r?.modelRan ?? '—',
      status: r?.status ?? 'not run',
      duration: r?.endedAt ? formatDuration(r.durationMs ?? r.endedAt - r.startedAt) : '—',
      cost: r?.costUsd !== undefined ? formatUsd(r.costUsd) : '—',
    };
  });
}

/** What every run of the ticket cost, and what the same usage would have cost on Opus. */
export function totals(ticket: Ticket, prices: PriceTable = {}): { spent: number; allOpus: number } {
  let spent = 0;
  let allOpus = 0;
  const opus = priceFor('opus', prices);
  for (const r of ticket.runs) {
    if (r.costUsd === undefined) continue;
    spent += r.costUsd;
    allOpus += r.usage ? costOf(r.usage, opus) : r.costUsd;
  }
  return { spent, allOpus };
}

function table(ticket: Ticket): string[] {
  const rows = stageRows(ticket);
  return [
    '| Stage | Model asked | Model that ran | Status | Duration | Cost |',
    '| --- | --- | --- | --- | --- | ---: |',
    ...rows.map((r) => `| ${r.stage} | ${mdText(r.asked)} | ${mdText(r.ran)} | ${r.status} | ${r.duration} | ${r.cost} |`),
  ];
}

function totalLine(ticket: Ticket, prices: PriceTable): string {
  const { spent, allOpus } = totals(ticket, prices);
  const saving = allOpus - spent;
  return `**Total ${formatUsd(spent)}**${saving > 0.00005 ? ` · ${formatUsd(saving)} less than running every stage on Opus (${formatUsd(allOpus)})` : ''}`;
}

/** The status comment: one per ticket, edited in place. */
export function statusComment(ticket: Ticket, prices: PriceTable = {}, final = false): string {
  return [
    commentMarker(ticket.id),
    `### SDLC Pipeline · ticket #${ticket.id}${final ? '' : ' (in progress)'}`,
    '',
    ...table(ticket),
    '',
    totalLine(ticket, prices),
    ...(ticket.pullRequest ? ['', `Pull request: #${ticket.pullRequest.number}`] : []),
    '',
    '<sub>Each stage ran the Claude Code CLI with the model chosen for it. Updated by the SDLC Pipeline VS Code extension.</sub>',
  ].join('\n');
}

/**
 * What the pull request says of the ticket's issue (its last line), or nothing. `Closes #N` when
 * the issue is in the repository the pull request is opened in; `Closes owner/repo#N` for an
 * issue of another repository on the same host that the user linked here (the pull request goes
 * to a fork, or to another repository than the issue's: GitHub closes it on merge); nothing when
 * such a link came with an import (an export could name any issue to close), and nothing for
 * another host (`#N` would be an unrelated issue there).
 */
export function issueLine(link: IssueLink | undefined, prRepo: RepoRef): string | undefined {
  if (!link || prRepo.host.toLowerCase() !== link.host.toLowerCase()) return undefined;
  if (prRepo.owner.toLowerCase() === link.owner.toLowerCase() && prRepo.repo.toLowerCase() === link.repo.toLowerCase()) return `Closes #${link.number}`;
  return link.imported ? undefined : `Closes ${link.owner}/${link.repo}#${link.number}`;
}

/** The pull request's body: summary, the plan (collapsed), the per-stage table, and `Closes #N` (see issueLine). */
export function pullRequestBody(ticket: Ticket, plan: string | undefined, prices: PriceTable, prRepo: RepoRef): string {
  const about = issueLine(ticket.issue, prRepo);
  const fence = '````';
  return [
    `SDLC Pipeline ticket #${ticket.id}: ${mdText(ticket.title)}`,
    '',
    ...(plan?.trim() ? ['<details><summary>Plan</summary>', '', `${fence}markdown`, plan.replace(/`{4,}/g, '```').slice(0, 40_000), fence, '', '</details>', ''] : []),
    ...table(ticket),
    '',
    totalLine(ticket, prices),
    ...(about ? ['', about] : []),
  ].join('\n');
}
