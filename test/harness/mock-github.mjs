#!/usr/bin/env node
// A local mock of the GitHub REST API (the Enterprise layout: /api/v3/…) for tests. Binds
// 127.0.0.1 only, stops by itself after --lifetime seconds, logs every request.
//
//   node mock-github.mjs --port-file F [--port 0] [--lifetime 1800] [--token T]
//   GET  /__log      → JSON array of { method, path, query, body, status }
//   POST /__control  → { fail: [{ method?, path (regex), status, headers?, times? }], offline: true|false }
//   POST /__reset    → clear log, controls, comments and pulls
//   POST /__comment  → { issue: "acme/shop#5", body, login } plants someone else's comment
// Seeded repository: acme/shop with 75 open issues (#1 a bug, #2 an enhancement, #3 a pull
// request, #4 a 1 MB hostile body), default branch main.
import http from 'node:http';
import { writeFileSync } from 'node:fs';

const args = Object.fromEntries(process.argv.slice(2).reduce((acc, a, i, all) => (a.startsWith('--') ? [...acc, [a.slice(2), all[i + 1]]] : acc), []));
const lifetime = Number(args.lifetime ?? 1800) * 1000;
const TOKEN = args.token ?? 'test-github-token';
let log = [];
let control = { fail: [], offline: false };
let comments = [];
let pulls = [];
let nextId = 1000;

const hostile = `<script>alert(1)</script> [click](command:workbench.action.terminal.sendSequence?{"text":"rm -rf ~\\n"}) @everyone \u001b]0;pwned\u0007 ` + 'A'.repeat(1024 * 1024);
function seed() {
  const issues = [];
  for (let n = 1; n <= 75; n++) {
    issues.push({
      number: n,
      title: n === 1 ? 'Crash when saving an empty cart' : n === 2 ? 'Add a wishlist' : n === 4 ? 'Hostile body `$(rm -rf ~)`' : `Issue number ${n}`,
      body: n === 4 ? hostile : `Body of issue ${n}.`,
      state: 'open',
      labels: n === 1 ? [{ name: 'bug' }] : n === 2 ? [{ name: 'enhancement' }, { name: 'ui' }] : [],
      assignee: n === 2 ? { login: 'octocat' } : null,
      ...(n === 3 ? { pull_request: { url: 'x' } } : {}),
    });
  }
  return issues.reverse(); // newest first, as GitHub lists them
}
const repos = { 'acme/shop': { issues: seed(), default_branch: 'main' } };

const send = (res, status, obj, headers = {}) => {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(obj));
};
const readBody = (req) => new Promise((resolve) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
});
const withUrl = (host, o, r, i) => ({ ...i, html_url: `http://${host}/${o}/${r}/issues/${i.number}`, repository_url: `http://${host}/api/v3/repos/${o}/${r}` });
const USER = { login: 'sdlc-tester' };

const server = http.createServer(async (req, res) => {
  const url = new URL(req.url, 'http://127.0.0.1');
  const raw = await readBody(req);
  if (url.pathname === '/__log') return send(res, 200, log);
  if (url.pathname === '/__control') {
    control = { ...control, ...JSON.parse(raw || '{}') };
    return send(res, 200, control);
  }
  if (url.pathname === '/__comment') {
    const c = JSON.parse(raw);
    comments.push({ id: nextId++, issue: c.issue, body: c.body, user: { login: c.login } });
    return send(res, 200, {});
  }
  if (url.pathname === '/__reset') {
    log = [];
    control = { fail: [], offline: false };
    comments = [];
    pulls = [];
    return send(res, 200, {});
  }
  const body = raw ? JSON.parse(raw) : undefined;
  const path = url.pathname.replace(/^\/api\/v3/, '');
  const entry = { at: Date.now(), method: req.method, path, query: Object.fromEntries(url.searchParams), body, status: 0 };
  log.push(entry);
  if (control.offline) {
    entry.status = -1;
    req.socket.destroy();
    return;
  }
  const auth = req.headers.authorization ?? '';
  if (auth !== `token ${TOKEN}` && auth !== `bearer ${TOKEN}` && auth !== `Bearer ${TOKEN}`) {
    entry.status = 401;
    return send(res, 401, { message: 'Bad credentials' });
  }
  const rule = control.fail.find((f) => (!f.method || f.method === req.method) && new RegExp(f.path).test(path) && (f.times ?? 1) > 0);
  if (rule) {
    rule.times = (rule.times ?? 1) - 1;
    entry.status = rule.status;
    return send(res, rule.status, { message: `mock failure ${rule.status}` }, rule.headers ?? {});
  }
  const host = req.headers.host;
  const ok = (obj, status = 200) => {
    entry.status = status;
    send(res, status, obj);
  };
  let m;
  if (path === '/user' && req.method === 'GET') return ok(USER);
  if ((m = /^\/repos\/([^/]+)\/([^/]+)$/.exec(path)) && req.method === 'GET') {
    const repo = repos[`${m[1]}/${m[2]}`];
    return repo ? ok({ full_name: `${m[1]}/${m[2]}`, default_branch: repo.default_branch }) : ok({ message: 'Not Found' }, 404);
  }
  if ((m = /^\/repos\/([^/]+)\/([^/]+)\/issues$/.exec(path)) && req.method === 'GET') {
    const repo = repos[`${m[1]}/${m[2]}`];
    if (!repo) return ok({ message: 'Not Found' }, 404);
    const per = Number(url.searchParams.get('per_page') ?? 30);
    const page = Number(url.searchParams.get('page') ?? 1);
    return ok(repo.issues.slice((page - 1) * per, page * per).map((i) => withUrl(host, m[1], m[2], i)));
  }
  if (path === '/search/issues' && req.method === 'GET') {
    const q = url.searchParams.get('q') ?? '';
    const rm = /repo:([^/\s]+)\/(\S+)/.exec(q);
    const repo = rm && repos[`${rm[1]}/${rm[2]}`];
    if (!repo) return ok({ message: 'Validation Failed' }, 422);
    const words = q.split(/\s+/).filter((w) => w && !/^(repo|is):/.test(w)).map((w) => w.toLowerCase());
    const hits = repo.issues.filter((i) => !i.pull_request && words.every((w) => `#${i.number} ${i.number} ${i.title} ${i.labels.map((l) => l.name).join(' ')} ${i.assignee?.login ?? ''}`.toLowerCase().includes(w)));
    const per = Number(url.searchParams.get('per_page') ?? 30);
    const page = Number(url.searchParams.get('page') ?? 1);
    return ok({ total_count: hits.length, items: hits.slice((page - 1) * per, page * per).map((i) => withUrl(host, rm[1], rm[2], i)) });
  }
  if ((m = /^\/repos\/([^/]+)\/([^/]+)\/issues\/(\d+)$/.exec(path)) && req.method === 'GET') {
    const i = repos[`${m[1]}/${m[2]}`]?.issues.find((x) => x.number === Number(m[3]));
    return i ? ok(withUrl(host, m[1], m[2], i)) : ok({ message: 'Not Found' }, 404);
  }
  if ((m = /^\/repos\/([^/]+)\/([^/]+)\/issues\/(\d+)\/comments$/.exec(path))) {
    if (req.method === 'GET') return ok(comments.filter((c) => c.issue === `${m[1]}/${m[2]}#${m[3]}`).map(({ id, body: b, user }) => ({ id, body: b, user })));
    if (req.method === 'POST') {
      const c = { id: nextId++, issue: `${m[1]}/${m[2]}#${m[3]}`, body: body.body, user: USER };
      comments.push(c);
      return ok({ id: c.id, body: c.body, user: c.user }, 201);
    }
  }
  if ((m = /^\/repos\/([^/]+)\/([^/]+)\/issues\/comments\/(\d+)$/.exec(path)) && req.method === 'PATCH') {
    const c = comments.find((x) => x.id === Number(m[3]));
    if (!c) return ok({ message: 'Not Found' }, 404);
    c.body = body.body;
    return ok({ id: c.id, body: c.body });
  }
  if ((m = /^\/repos\/([^/]+)\/([^/]+)\/pulls$/.exec(path))) {
    if (req.method === 'GET') {
      const head = url.searchParams.get('head');
      return ok(pulls.filter((p) => !head || `${m[1]}:${p.head}` === head).map((p) => ({ number: p.number, html_url: p.html_url })));
    }
    if (req.method === 'POST') {
      if (pulls.some((p) => p.head === body.head)) return ok({ message: 'Validation Failed', errors: [{ message: 'A pull request already exists' }] }, 422);
      const p = { number: 100 + pulls.length + 1, head: body.head, base: body.base, title: body.title, body: body.body, draft: body.draft, html_url: `http://${host}/${m[1]}/${m[2]}/pull/${100 + pulls.length + 1}` };
      pulls.push(p);
      return ok({ number: p.number, html_url: p.html_url }, 201);
    }
  }
  return ok({ message: `mock: no route for ${req.method} ${path}` }, 404);
});

server.listen(Number(args.port ?? 0), '127.0.0.1', () => {
  const { port } = server.address();
  if (args['port-file']) writeFileSync(args['port-file'], String(port));
  process.stdout.write(`mock-github listening on http://127.0.0.1:${port}\n`);
});
setTimeout(() => process.exit(0), lifetime).unref();
process.on('SIGTERM', () => process.exit(0));
process.on('SIGINT', () => process.exit(0));
