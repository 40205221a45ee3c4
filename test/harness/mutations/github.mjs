// Mutations of what a pull request says of the ticket's issue (issue #22 item 9, issue #23).
export default [
  ['PR to a fork closes #N of the wrong repository', 'src/domain/github.ts', 'return link.imported ? undefined : `Closes ${link.owner}/${link.repo}#${link.number}`;', 'return link.imported ? undefined : `Closes #${link.number}`;'],
  ['an imported link closes another repository\'s issue', 'src/domain/github.ts', 'return link.imported ? undefined : `Closes', 'return false ? undefined : `Closes'],
  ['another host\'s issue is closed by number', 'src/domain/github.ts', 'if (!link || prRepo.host.toLowerCase() !== link.host.toLowerCase()) return undefined;', 'if (!link) return undefined;'],
];
