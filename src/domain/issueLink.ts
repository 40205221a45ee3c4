/**
 * A ticket's link to a GitHub issue (see github.ts). Apart so the ticket schema can hold it
 * without an import cycle. Pure: no `vscode` import.
 */
import * as z from 'zod/mini';

export const NAME = /^[A-Za-z0-9_.-]{1,100}$/;
export const OWNER = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/;
export const HOST = /^[A-Za-z0-9.-]+(?::\d{1,5})?$/;
/** An http(s) URL without spaces or control characters (`z.url` would pull far more code into both bundles). */
const WebUrl = z.string().check(z.maxLength(2000), z.regex(/^https?:\/\/[^\s\x00-\x1f\x7f]+$/));

/** A ticket's link to its issue, and what was sent back. Checked on load like the rest of the record. */
export const IssueLinkSchema = /* @__PURE__ */ (() => z.object({
  host: z.string().check(z.regex(HOST)),
  owner: z.string().check(z.regex(OWNER)),
  repo: z.string().check(z.regex(NAME)),
  number: z.int().check(z.positive(), z.maximum(999_999_999)),
  url: WebUrl,
  /** The status comment, once created (edited in place from then on). */
  commentId: z.optional(z.int().check(z.positive())),
  /** Came with an imported ticket: posts only once it matches a GitHub remote of the ticket's folder. */
  imported: z.optional(z.boolean()),
  /** An update could not be sent (offline, rate limit): retried later, also after a reload. */
  commentPending: z.optional(z.boolean()),
}))();

/** The pull request made for a ticket. */
export const PullRequestLinkSchema = /* @__PURE__ */ (() => z.object({ number: z.int().check(z.positive()), url: WebUrl }))();
export type IssueLink = z.infer<typeof IssueLinkSchema>;

