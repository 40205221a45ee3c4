// Pins behaviours of settings resolution, budgets, local days and the CSV export that no other
// test pinned. Every expectation is a literal written out here, never computed by the code under test.
import * as assert from 'node:assert';
import { toCsv, type CostRow } from '../../src/domain/cost';
import { localDay, spentOnDay, spentThisWeek } from '../../src/domain/daily';
import { planRun, type RunPlanInput } from '../../src/domain/planRun';
import { ticketPaths } from '../../src/domain/prompt';
import { parseRunSettings } from '../../src/domain/runSettings';
import type { RawRunSettings } from '../../src/domain/scopedValues';
import { resolveConfig, type RawConfig, type Scope } from '../../src/domain/settings';

const empty = (): RawConfig => ({ defaultModels: {}, customModels: {}, defaultStages: {}, presets: {} });

/** [more specific, less specific]: every pair of scopes. */
const PAIRS: Array<[Scope, Scope]> = [
  ['workspaceFolder', 'workspace'],
  ['workspace', 'user'],
  ['workspaceFolder', 'user'],
];
const ALL_STAGES = ['clarify', 'plan', 'build', 'test', 'review', 'document', 'merge'];

/** The setting's values at the given scopes, inserted in the given order (so key order cannot decide). */
const scoped = (order: Scope[], value: (s: Scope) => unknown) => Object.fromEntries(order.map((s) => [s, value(s)]));

// ---------------------------------------------------------------------------------------------
// 1. Precedence of customModels, defaultStages and presets: the most specific scope's whole value
//    (folder > workspace > user), never a merge of scopes.

describe('pinned: customModels — folder beats workspace beats user; the whole list is picked, not merged', () => {
  const value: Record<Scope, string[]> = { workspaceFolder: ['folder-model'], workspace: ['ws-model'], user: ['user-model'] };
  const resolve = (order: Scope[]) => {
    const raw = empty();
    raw.customModels = scoped(order, (s) => value[s]);
    const cfg = resolveConfig(raw);
    assert.deepStrictEqual(cfg.problems, []);
    return cfg.customModels;
  };
  for (const [hi, lo] of PAIRS) {
    it(`${hi} set and ${lo} set → ${hi}'s list (either key order)`, () => {
      assert.deepStrictEqual(resolve([hi, lo]), value[hi]);
      assert.deepStrictEqual(resolve([lo, hi]), value[hi]);
    });
    it(`${hi} removed → falls back to ${lo}'s list; ${lo} removed → ${hi}'s list`, () => {
      assert.deepStrictEqual(resolve([lo]), value[lo]);
      assert.deepStrictEqual(resolve([hi]), value[hi]);
    });
  }
  it('all three set → the folder\'s; none set → none', () => {
    assert.deepStrictEqual(resolve(['user', 'workspace', 'workspaceFolder']), ['folder-model']);
    assert.deepStrictEqual(resolve([]), []);
  });
  it('the literal lists: folder-model / ws-model / user-model', () => {
    assert.deepStrictEqual(resolve(['user', 'workspace']), ['ws-model']);
    assert.deepStrictEqual(resolve(['workspace', 'workspaceFolder']), ['folder-model']);
    assert.deepStrictEqual(resolve(['user']), ['user-model']);
  });
  it('only the picked scope\'s custom models are valid in defaultModels', () => {
    const raw = empty();
    raw.customModels = { user: ['user-model'], workspace: ['ws-model'] };
    raw.defaultModels = { user: { plan: 'user-model', build: 'ws-model' } };
    const cfg = resolveConfig(raw);
    assert.deepStrictEqual(cfg.defaultModels, { user: { build: 'ws-model' } });
    assert.strictEqual(cfg.problems.length, 1);
    assert.strictEqual(cfg.problems[0].setting, 'sdlcPipeline.defaultModels.plan');
  });
  it('an invalid folder value is reported at the folder scope and means none (no fall back: "using none")', () => {
    const raw = empty();
    raw.customModels = { workspaceFolder: 'folder-model', workspace: ['ws-model'] };
    const cfg = resolveConfig(raw);
    assert.deepStrictEqual(cfg.customModels, []);
    assert.strictEqual(cfg.problems.length, 1);
    assert.strictEqual(cfg.problems[0].setting, 'sdlcPipeline.customModels');
    assert.strictEqual(cfg.problems[0].scope, 'workspaceFolder');
    assert.strictEqual(cfg.problems[0].message, 'expected a list of model names, got "folder-model"; using none');
  });
});

describe('pinned: defaultStages — folder beats workspace beats user; the whole list is picked', () => {
  const value: Record<Scope, string[]> = { workspaceFolder: ['build', 'test'], workspace: ['plan'], user: ['clarify', 'merge'] };
  const resolve = (order: Scope[]) => {
    const raw = empty();
    raw.defaultStages = scoped(order, (s) => value[s]);
    const cfg = resolveConfig(raw);
    assert.deepStrictEqual(cfg.problems, []);
    return cfg.defaultStages;
  };
  for (const [hi, lo] of PAIRS) {
    it(`${hi} set and ${lo} set → ${hi}'s stages (either key order)`, () => {
      assert.deepStrictEqual(resolve([hi, lo]), value[hi]);
      assert.deepStrictEqual(resolve([lo, hi]), value[hi]);
    });
    it(`${hi} removed → falls back to ${lo}'s stages; ${lo} removed → ${hi}'s`, () => {
      assert.deepStrictEqual(resolve([lo]), value[lo]);
      assert.deepStrictEqual(resolve([hi]), value[hi]);
    });
  }
  it('all three set → the folder\'s; none set → every stage, in pipeline order', () => {
    assert.deepStrictEqual(resolve(['user', 'workspace', 'workspaceFolder']), ['build', 'test']);
    assert.deepStrictEqual(resolve(['workspace', 'user']), ['plan']);
    assert.deepStrictEqual(resolve(['user']), ['clarify', 'merge']);
    assert.deepStrictEqual(resolve([]), ALL_STAGES);
  });
  it('an invalid folder value is reported at the folder scope and selects every stage (no fall back)', () => {
    const raw = empty();
    raw.defaultStages = { workspaceFolder: 'plan', user: ['plan'] };
    const cfg = resolveConfig(raw);
    assert.deepStrictEqual(cfg.defaultStages, ALL_STAGES);
    assert.deepStrictEqual(cfg.problems.map((p) => [p.setting, p.scope]), [['sdlcPipeline.defaultStages', 'workspaceFolder']]);
  });
});

describe('pinned: presets — folder beats workspace beats user; one scope\'s presets, not a merge', () => {
  const value: Record<Scope, Record<string, Record<string, string>>> = {
    workspaceFolder: { 'Folder preset': { plan: 'opus' } },
    workspace: { 'Workspace preset': { build: 'sonnet' } },
    user: { 'User preset': { test: 'haiku' } },
  };
  const expected: Record<Scope, unknown[]> = {
    workspaceFolder: [{ name: 'Folder preset', models: { plan: 'opus' }, builtin: false }],
    workspace: [{ name: 'Workspace preset', models: { build: 'sonnet' }, builtin: false }],
    user: [{ name: 'User preset', models: { test: 'haiku' }, builtin: false }],
  };
  const resolve = (order: Scope[]) => {
    const raw = empty();
    raw.presets = scoped(order, (s) => value[s]);
    const cfg = resolveConfig(raw);
    assert.deepStrictEqual(cfg.problems, []);
    assert.deepStrictEqual(cfg.presets.filter((p) => p.builtin).map((p) => p.name), ['Balanced', 'Cost-optimized', 'Max quality']);
    return cfg.presets.filter((p) => !p.builtin).map((p) => ({ ...p }));
  };
  for (const [hi, lo] of PAIRS) {
    it(`${hi} set and ${lo} set → only ${hi}'s presets (either key order)`, () => {
      assert.deepStrictEqual(resolve([hi, lo]), expected[hi]);
      assert.deepStrictEqual(resolve([lo, hi]), expected[hi]);
    });
    it(`${hi} removed → falls back to ${lo}'s presets; ${lo} removed → ${hi}'s`, () => {
      assert.deepStrictEqual(resolve([lo]), expected[lo]);
      assert.deepStrictEqual(resolve([hi]), expected[hi]);
    });
  }
  it('all three set → the folder\'s; none set → the built-ins alone', () => {
    assert.deepStrictEqual(resolve(['user', 'workspace', 'workspaceFolder']), [{ name: 'Folder preset', models: { plan: 'opus' }, builtin: false }]);
    assert.deepStrictEqual(resolve(['workspace', 'user']), [{ name: 'Workspace preset', models: { build: 'sonnet' }, builtin: false }]);
    assert.deepStrictEqual(resolve([]), []);
  });
  it('a workspace preset named like a built-in replaces it; the user\'s of the same name is not used', () => {
    const raw = empty();
    raw.presets = { user: { Balanced: { plan: 'haiku' } }, workspace: { Balanced: { plan: 'sonnet' } } };
    const cfg = resolveConfig(raw);
    assert.deepStrictEqual(cfg.presets.map((p) => p.name), ['Balanced', 'Cost-optimized', 'Max quality']);
    assert.deepStrictEqual({ ...cfg.presets[0] }, { name: 'Balanced', models: { plan: 'sonnet' }, builtin: false });
  });
});

// ---------------------------------------------------------------------------------------------
// 2. escalationMode "auto" only from user settings.

describe('pinned: escalationMode "auto" is honoured from user settings only', () => {
  const parse = (escalationMode: RawRunSettings['escalationMode']) => parseRunSettings({ escalationMode }, { trusted: true });
  const refused = (where: string) => `sdlcPipeline.escalationMode (${where}): "auto" (re-run failed stages on costlier models without asking) is honoured only in user settings; ignored`;

  it('folder "auto" alone → refused with a message; the default "ask" applies', () => {
    const r = parse({ workspaceFolder: 'auto' });
    assert.strictEqual(r.settings.escalationMode, 'ask');
    assert.deepStrictEqual(r.problems, [refused('folder settings')]);
  });
  it('workspace "auto" alone → refused with a message; the default "ask" applies', () => {
    const r = parse({ workspace: 'auto' });
    assert.strictEqual(r.settings.escalationMode, 'ask');
    assert.deepStrictEqual(r.problems, [refused('workspace settings')]);
  });
  it('folder "auto" over user "off" → the user\'s "off", and the folder value reported', () => {
    const r = parse({ workspaceFolder: 'auto', user: 'off' });
    assert.strictEqual(r.settings.escalationMode, 'off');
    assert.deepStrictEqual(r.problems, [refused('folder settings')]);
  });
  it('workspace "auto" over user "off" → the user\'s "off", and the workspace value reported', () => {
    const r = parse({ workspace: 'auto', user: 'off' });
    assert.strictEqual(r.settings.escalationMode, 'off');
    assert.deepStrictEqual(r.problems, [refused('workspace settings')]);
  });
  it('folder "auto" over workspace "off" → the workspace\'s "off" (the next scope down)', () => {
    const r = parse({ workspaceFolder: 'auto', workspace: 'off', user: 'ask' });
    assert.strictEqual(r.settings.escalationMode, 'off');
    assert.deepStrictEqual(r.problems, [refused('folder settings')]);
  });
  it('folder and workspace "auto" → both reported, folder first; the default "ask" applies', () => {
    const r = parse({ workspaceFolder: 'auto', workspace: 'auto' });
    assert.strictEqual(r.settings.escalationMode, 'ask');
    assert.deepStrictEqual(r.problems, [refused('folder settings'), refused('workspace settings')]);
  });
  it('user "auto" is honoured, alone or under a refused folder/workspace "auto"', () => {
    assert.strictEqual(parse({ user: 'auto' }).settings.escalationMode, 'auto');
    assert.deepStrictEqual(parse({ user: 'auto' }).problems, []);
    const r = parse({ workspaceFolder: 'auto', workspace: 'auto', user: 'auto' });
    assert.strictEqual(r.settings.escalationMode, 'auto');
    assert.deepStrictEqual(r.problems, [refused('folder settings'), refused('workspace settings')]);
  });
  it('a folder or workspace "off"/"ask" still beats the user\'s "auto" (most specific valid value)', () => {
    assert.deepStrictEqual(parse({ workspaceFolder: 'off', user: 'auto' }).settings.escalationMode, 'off');
    assert.deepStrictEqual(parse({ workspace: 'ask', user: 'auto' }).settings.escalationMode, 'ask');
    assert.deepStrictEqual(parse({ workspace: 'ask', user: 'auto' }).problems, []);
  });
});

// ---------------------------------------------------------------------------------------------
// 3. A run's --max-budget-usd: the lowest of the stage cap, the ticket cap's remainder and today's remainder.

describe('pinned: planRun --max-budget-usd is the lowest of stage cap, ticket remainder, daily remainder', () => {
  const base = (over: Partial<RunPlanInput> = {}, settings: Partial<RunPlanInput['settings']> = {}): RunPlanInput => ({
    ticketId: 7, stage: 'build', mode: 'headless', model: 'opus', sessionId: '6f9619ff-8b86-4d11-b42d-00c04fc964ff',
    paths: ticketPaths('.sdlc/tickets', 7), workspaceFolder: '/ws', systemPromptFile: '/store/runs/r/system.md',
    settings: { stageCommands: {}, stagePrompts: {}, permissionMode: 'acceptEdits', allowedTools: [], extraArgs: [], maxBudgetUsd: {}, ...settings },
    spentUsd: 0, settingArgs: [], platform: 'linux', ...over,
  });
  /** [maxBudgetUsd, the flag's argument or 'no flag'] */
  const budget = (stageCap: number | undefined, ticketCap: number | undefined, spentUsd: number, dailyRemainingUsd: number | undefined) => {
    const p = planRun(base({ spentUsd, dailyRemainingUsd }, { maxBudgetUsd: stageCap === undefined ? {} : { build: stageCap }, maxTicketBudgetUsd: ticketCap }));
    assert.ok(p.ok);
    const at = p.args.indexOf('--max-budget-usd');
    return [p.maxBudgetUsd, at < 0 ? 'no flag' : p.args[at + 1]];
  };

  it('the stage cap is lowest: stage 1, ticket 10 − 2 spent = 8, daily 5 → 1', () => {
    assert.deepStrictEqual(budget(1, 10, 2, 5), [1, '1']);
  });
  it('the ticket cap\'s remainder is lowest: stage 5, ticket 10 − 7.5 spent = 2.5, daily 4 → 2.5 (not the cap 10)', () => {
    assert.deepStrictEqual(budget(5, 10, 7.5, 4), [2.5, '2.5']);
  });
  it('today\'s remainder is lowest: stage 5, ticket 10 − 2 spent = 8, daily 0.75 → 0.75', () => {
    assert.deepStrictEqual(budget(5, 10, 2, 0.75), [0.75, '0.75']);
  });
  it('each alone: stage 2 → 2; ticket 4 − 1 → 3; daily 3.25 → 3.25', () => {
    assert.deepStrictEqual(budget(2, undefined, 1, undefined), [2, '2']);
    assert.deepStrictEqual(budget(undefined, 4, 1, undefined), [3, '3']);
    assert.deepStrictEqual(budget(undefined, undefined, 1, 3.25), [3.25, '3.25']);
  });
  it('two of three: stage 6 + daily 1.5 → 1.5; ticket 9 − 3 + daily 7 → 6; stage 0.5 + ticket 9 − 3 → 0.5', () => {
    assert.deepStrictEqual(budget(6, undefined, 0, 1.5), [1.5, '1.5']);
    assert.deepStrictEqual(budget(undefined, 9, 3, 7), [6, '6']);
    assert.deepStrictEqual(budget(0.5, 9, 3, undefined), [0.5, '0.5']);
  });
  it('none set → no budget and no --max-budget-usd flag', () => {
    assert.deepStrictEqual(budget(undefined, undefined, 0, undefined), [undefined, 'no flag']);
    assert.deepStrictEqual(budget(undefined, undefined, 12, undefined), [undefined, 'no flag']);
  });
  it('another stage\'s cap does not apply', () => {
    const p = planRun(base({}, { maxBudgetUsd: { plan: 1 } }));
    assert.ok(p.ok);
    assert.strictEqual(p.maxBudgetUsd, undefined);
    assert.ok(!p.args.includes('--max-budget-usd'));
  });
});

// ---------------------------------------------------------------------------------------------
// 4. "Today" and "this week" by local calendar day. The machine's zone is whatever it is (the
//    harness sets no TZ), so each case runs under several zones, set at runtime (Node re-reads
//    process.env.TZ when it is assigned) and restored afterwards. Dates are built inside each
//    test with local-date constructors, after the zone is set.

function inZone(tz: string, body: () => void) {
  describe(`TZ=${tz}`, () => {
    let saved: string | undefined;
    before(() => {
      saved = process.env.TZ;
      process.env.TZ = tz;
    });
    after(() => {
      if (saved === undefined) delete process.env.TZ;
      else process.env.TZ = saved;
    });
    body();
  });
}

const ms = (y: number, m: number, d: number, h = 0, min = 0, s = 0, milli = 0) => new Date(y, m - 1, d, h, min, s, milli).getTime();

describe('pinned: "today" is the local calendar day; "this week" is today and the 6 local days before', () => {
  for (const tz of ['UTC', 'Asia/Kolkata', 'America/New_York', 'Europe/Berlin']) {
    inZone(tz, () => {
      it('today: yesterday 23:59:59.999 local does not count, 00:00 local today and 23:59 today do, tomorrow 00:00 does not', () => {
        const runs = [
          { startedAt: ms(2024, 6, 14, 23, 59, 59, 999), costUsd: 1 },
          { startedAt: ms(2024, 6, 15, 0, 0), costUsd: 2 },
          { startedAt: ms(2024, 6, 15, 23, 59, 59), costUsd: 4 },
          { startedAt: ms(2024, 6, 16, 0, 0), costUsd: 8 },
        ];
        assert.strictEqual(localDay(ms(2024, 6, 15, 0, 0)), '2024-06-15');
        assert.strictEqual(localDay(ms(2024, 6, 14, 23, 59, 59, 999)), '2024-06-14');
        assert.strictEqual(spentOnDay(runs, ms(2024, 6, 15, 12)), 6);
        assert.strictEqual(spentOnDay(runs, ms(2024, 6, 15, 0, 0)), 6);
        assert.strictEqual(spentOnDay(runs, ms(2024, 6, 15, 23, 59)), 6);
        assert.strictEqual(spentOnDay(runs, ms(2024, 6, 14, 23, 59)), 1);
      });
      it('this week: 7 local days, today and the 6 before (00:00 of the 6th day before counts, 23:59 the day before that does not)', () => {
        const runs = [
          { startedAt: ms(2024, 6, 15, 0, 0), costUsd: 1 }, // today 00:00
          { startedAt: ms(2024, 6, 12, 12), costUsd: 2 }, // 3 days before
          { startedAt: ms(2024, 6, 9, 0, 0), costUsd: 4 }, // 6 days before, 00:00
          { startedAt: ms(2024, 6, 9, 23, 59), costUsd: 8 }, // 6 days before, 23:59
          { startedAt: ms(2024, 6, 8, 23, 59, 59, 999), costUsd: 16 }, // 7 days before: out
          { startedAt: ms(2024, 6, 8, 12), costUsd: 32 }, // 7 days before: out
          { startedAt: ms(2024, 6, 16, 0, 0), costUsd: 64 }, // tomorrow: out
        ];
        for (const now of [ms(2024, 6, 15, 0, 0), ms(2024, 6, 15, 12), ms(2024, 6, 15, 23, 59, 59)]) assert.strictEqual(spentThisWeek(runs, now), 15, new Date(now).toString());
        // A day later the window moves by one local day.
        assert.strictEqual(spentThisWeek(runs, ms(2024, 6, 16, 0, 30)), 67);
      });
      it('this week across a month and year end: 2025-01-03 → 2024-12-28 … 2025-01-03', () => {
        const runs = [
          { startedAt: ms(2024, 12, 28, 0, 0), costUsd: 1 },
          { startedAt: ms(2024, 12, 31, 23, 59), costUsd: 2 },
          { startedAt: ms(2025, 1, 3, 23, 0), costUsd: 4 },
          { startedAt: ms(2024, 12, 27, 23, 59), costUsd: 8 },
        ];
        assert.strictEqual(spentThisWeek(runs, ms(2025, 1, 3, 23, 30)), 7);
        assert.strictEqual(spentThisWeek(runs, ms(2025, 1, 3, 0, 5)), 7);
      });
    });
  }

  // A day of a DST change is 23 or 25 hours long: counting back in 24-hour steps from late or
  // early in the day skips a day or repeats one. These cases are only meaningful in a zone with
  // DST, so they set one; the first assertion checks that the zone really is in effect.
  const dstCases = (tz: string, winterOffset: number, spring: [number, number, number], fall: [number, number, number]) =>
    inZone(tz, () => {
      it(`the zone is in effect (UTC offset ${-winterOffset} min in January)`, () => {
        assert.strictEqual(new Date(2024, 0, 15, 12).getTimezoneOffset(), winterOffset);
        assert.strictEqual(new Date(2024, 6, 15, 12).getTimezoneOffset(), winterOffset - 60);
      });
      it(`spring forward (${spring.join('-')}, a 23-hour day): at 00:30 the day after, yesterday counts and 7 days ago does not`, () => {
        const [y, m, d] = spring;
        const runs = [
          { startedAt: ms(y, m, d, 12), costUsd: 1 }, // the 23-hour day: yesterday
          { startedAt: ms(y, m, d - 1, 23, 30), costUsd: 2 }, // 2 days before
          { startedAt: ms(y, m, d - 5, 0, 0), costUsd: 4 }, // 6 days before now's day
          { startedAt: ms(y, m, d - 6, 23, 30), costUsd: 8 }, // 7 days before: out
          { startedAt: ms(y, m, d - 6, 12), costUsd: 16 }, // 7 days before: out
        ];
        assert.strictEqual(spentThisWeek(runs, ms(y, m, d + 1, 0, 30)), 7);
        assert.strictEqual(spentThisWeek(runs, ms(y, m, d + 1, 23, 30)), 7);
        assert.strictEqual(spentOnDay(runs, ms(y, m, d, 23, 30)), 1);
        assert.strictEqual(spentOnDay(runs, ms(y, m, d + 1, 0, 30)), 0);
      });
      it(`fall back (${fall.join('-')}, a 25-hour day): at 23:30 the day after, all 7 days count, 6 days before included`, () => {
        const [y, m, d] = fall;
        const runs = [
          { startedAt: ms(y, m, d, 12), costUsd: 1 }, // the 25-hour day: yesterday
          { startedAt: ms(y, m, d - 5, 0, 0), costUsd: 2 }, // 6 days before now's day, 00:00
          { startedAt: ms(y, m, d - 5, 23, 59), costUsd: 4 }, // 6 days before now's day, 23:59
          { startedAt: ms(y, m, d - 6, 23, 59), costUsd: 8 }, // 7 days before: out
          { startedAt: ms(y, m, d + 2, 0, 0), costUsd: 16 }, // tomorrow: out
        ];
        assert.strictEqual(spentThisWeek(runs, ms(y, m, d + 1, 23, 30)), 7);
        assert.strictEqual(spentThisWeek(runs, ms(y, m, d + 1, 0, 30)), 7);
        assert.strictEqual(spentOnDay(runs, ms(y, m, d, 23, 30)), 1);
        assert.strictEqual(spentOnDay([{ startedAt: ms(y, m, d, 0, 0), costUsd: 1 }, { startedAt: ms(y, m, d - 1, 23, 59), costUsd: 2 }], ms(y, m, d, 23, 59)), 1);
      });
    });
  dstCases('Europe/Berlin', -60, [2024, 3, 31], [2024, 10, 27]);
  dstCases('America/New_York', 300, [2024, 3, 10], [2024, 11, 3]);
});

// ---------------------------------------------------------------------------------------------
// 5. CSV export: formula-like text defused, everything else as is.

describe('pinned: CSV export defuses cells starting with = + - @ tab or CR, and nothing else', () => {
  const row = (over: Partial<CostRow>): CostRow => ({
    ticketId: 7, title: 'Fix it', stage: 'plan', status: 'ok', modelAsked: 'opus', modelRan: 'sonnet',
    costUsd: 0.1, estimateUsd: 0.25, inputTokens: 1200, outputTokens: 340, startedAt: Date.UTC(2024, 0, 2, 3, 4, 5), ...over,
  });
  const line = (over: Partial<CostRow>) => {
    const csv = toCsv([row(over)]);
    const lines = csv.split('\n');
    assert.strictEqual(lines[0], 'ticket,title,stage,status,model_asked,model_ran,cost_usd,estimate_usd,input_tokens,output_tokens,started_at');
    assert.strictEqual(lines.length, 3, JSON.stringify(csv));
    assert.strictEqual(lines[2], '');
    return lines[1];
  };
  const rest = 'plan,ok,opus,sonnet,0.100000,0.250000,1200,340,2024-01-02T03:04:05.000Z';

  it('a plain row is written as is', () => {
    assert.strictEqual(line({}), `7,Fix it,${rest}`);
  });
  it('"=" is defused', () => assert.strictEqual(line({ title: '=1+2' }), `7,'=1+2,${rest}`));
  it('"+" is defused', () => assert.strictEqual(line({ title: '+1' }), `7,'+1,${rest}`));
  it('"-" is defused', () => assert.strictEqual(line({ title: '-2+3' }), `7,'-2+3,${rest}`));
  it('"@" is defused', () => assert.strictEqual(line({ title: '@SUM(A1:A2)' }), `7,'@SUM(A1:A2),${rest}`));
  it('a tab is defused', () => assert.strictEqual(line({ title: '\t=cmd' }), `7,'\t=cmd,${rest}`));
  it('a CR is defused (and quoted)', () => assert.strictEqual(line({ title: '\r=cmd' }), `7,"'\r=cmd",${rest}`));
  it('defused and quoted together: quotes doubled after the apostrophe', () => {
    assert.strictEqual(line({ title: '=HYPERLINK("x","y")' }), `7,"'=HYPERLINK(""x"",""y"")",${rest}`);
  });
  it('every text column is defused, not only the title', () => {
    assert.strictEqual(
      line({ status: '@s', modelAsked: '+m', modelRan: '-r' }),
      "7,Fix it,plan,'@s,'+m,'-r,0.100000,0.250000,1200,340,2024-01-02T03:04:05.000Z",
    );
  });
  it('the characters elsewhere than first, or after a space, are left alone', () => {
    assert.strictEqual(line({ title: 'a=b+c-d@e' }), `7,a=b+c-d@e,${rest}`);
    assert.strictEqual(line({ title: ' =1' }), `7, =1,${rest}`);
    assert.strictEqual(line({ title: 'x\ty' }), `7,x\ty,${rest}`);
    assert.strictEqual(line({ title: "'=1" }), `7,'=1,${rest}`);
  });
  it('commas and quotes are quoted but not defused', () => {
    assert.strictEqual(line({ title: 'a, "b"' }), `7,"a, ""b""",${rest}`);
  });
  it('numbers are left alone, negative ones too', () => {
    assert.strictEqual(
      line({ ticketId: 12, inputTokens: -5, outputTokens: 0 }),
      '12,Fix it,plan,ok,opus,sonnet,0.100000,0.250000,-5,0,2024-01-02T03:04:05.000Z',
    );
  });
});
