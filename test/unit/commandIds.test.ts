import * as assert from 'node:assert';
import { ALL_COMMAND_IDS, COMMAND_ARGS, COMMANDS, STAGE_COMMAND_ARGS, STAGE_COMMANDS } from '../../src/commandIds';
import { stageCommandContributions } from '../../src/domain/manifest';
import { STAGES } from '../../src/domain/stages';
import { englishManifest } from './manifestFile';

const pkg = englishManifest;
const contributed: string[] = pkg.contributes.commands.map((c: { command: string }) => c.command);
const inMenus: string[] = Object.values(pkg.contributes.menus as Record<string, Array<{ command?: string }>>).flatMap((items) => items.map((i) => i.command).filter((c): c is string => c !== undefined));

describe('command ids', () => {
  it('every id in the table is contributed by package.json', () => {
    const missing = ALL_COMMAND_IDS.filter((id) => !contributed.includes(id));
    assert.deepStrictEqual(missing, [], 'in src/commandIds.ts but not in package.json contributes.commands');
  });

  it('every command package.json contributes is in the table', () => {
    const unknown = contributed.filter((id) => !ALL_COMMAND_IDS.includes(id));
    assert.deepStrictEqual(unknown, [], 'in package.json contributes.commands but not in src/commandIds.ts');
  });

  it('ids are unique, in the table and in package.json', () => {
    assert.strictEqual(new Set(ALL_COMMAND_IDS).size, ALL_COMMAND_IDS.length);
    assert.strictEqual(new Set(contributed).size, contributed.length);
  });

  it('every command a menu names is in the table', () => {
    assert.ok(inMenus.length > 0, 'package.json has no menus: the test reads the wrong file');
    const unknown = [...new Set(inMenus)].filter((id) => !ALL_COMMAND_IDS.includes(id));
    assert.deepStrictEqual(unknown, [], 'in package.json menus but not in src/commandIds.ts');
  });

  it('has one run command per stage, the same ids the manifest generates', () => {
    assert.deepStrictEqual(Object.keys(STAGE_COMMANDS), STAGES.map((s) => s.id));
    assert.deepStrictEqual(Object.values(STAGE_COMMANDS), stageCommandContributions().map((c) => c.command));
  });

  it('every command has an argument schema', () => {
    assert.deepStrictEqual(Object.keys(COMMAND_ARGS).sort(), Object.keys(COMMANDS).sort());
  });
});

describe('command arguments', () => {
  const ok = (name: keyof typeof COMMAND_ARGS, v: unknown) => COMMAND_ARGS[name].safeParse(v);

  it('accepts the tree nodes menus pass, and drops their kind', () => {
    assert.deepStrictEqual(ok('runStage', { kind: 'stage', ticketId: 3, stage: 'plan' }).data, { ticketId: 3, stage: 'plan' });
    assert.deepStrictEqual(ok('deleteTicket', { kind: 'ticket', ticketId: 3 }).data, { ticketId: 3 });
    // View-title buttons get the focused node, whatever it is.
    assert.ok(ok('filterTickets', { kind: 'more', shown: 200 }).success);
    assert.ok(ok('newTicket', { kind: 'stage', ticketId: 1, stage: 'build' }).success);
  });

  it('rejects a bad stage, ticket id, mode or model', () => {
    assert.strictEqual(ok('changeStageModel', { ticketId: 1, stage: 'nope', model: 'opus' }).success, false);
    assert.strictEqual(ok('runStage', { ticketId: -1 }).success, false);
    assert.strictEqual(ok('runStage', { ticketId: 1.5 }).success, false);
    assert.strictEqual(ok('runStage', { mode: 'detached' }).success, false);
    assert.strictEqual(ok('runStage', { model: '' }).success, false);
    assert.strictEqual(STAGE_COMMAND_ARGS.safeParse({ ticketId: '1' }).success, false);
    assert.strictEqual(ok('runPipeline', { skip: ['deploy'] }).success, false);
  });

  it('Change Stage Model takes null for "use the default"', () => {
    assert.deepStrictEqual(ok('changeStageModel', { ticketId: 1, stage: 'plan', model: null }).data, { ticketId: 1, stage: 'plan', model: null });
  });

  it('export and import take file: URIs only', () => {
    for (const name of ['exportTickets', 'importTickets', 'exportCostCsv'] as const) {
      assert.ok(ok(name, { uri: 'file:///tmp/tickets.json' }).success, name);
      for (const uri of ['command:sdlcPipeline.newTicket', 'vscode-userdata:/User/settings.json', 'untitled:x', 'https://example.com/x', '/tmp/x.json', '', 'FILE:///tmp/x']) {
        assert.strictEqual(ok(name, { uri }).success, false, `${name} accepted ${uri}`);
      }
    }
  });
});
