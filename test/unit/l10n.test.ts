/**
 * Localised text for the domain and the form (src/domain/l10n.ts): placeholders, the bundle in
 * use, and tables whose text is read in the current language each time (stage labels). Every
 * test that sets a bundle leaves English behind (`afterEach`), as the other tests expect.
 */
import * as assert from 'node:assert';
import { t, useBundle } from '../../src/domain/l10n';
import { checkModel } from '../../src/domain/models';
import { stageCommandId, stageInfo } from '../../src/domain/stages';
import { HostMessageCheckSchema, HostMessageSchema } from '../../src/protocol';

describe('l10n', () => {
  afterEach(() => useBundle(undefined));

  it('with no bundle, a message is its own text', () => {
    assert.strictEqual(t('Create ticket'), 'Create ticket');
    // No arguments: nothing is replaced, not even a placeholder.
    assert.strictEqual(t('Ticket #{0} created.'), 'Ticket #{0} created.');
  });

  it('fills positional placeholders, repeated and in any order; numbers and booleans as text', () => {
    assert.strictEqual(t('Ticket #{0} created.', 12), 'Ticket #12 created.');
    assert.strictEqual(t('{1} before {0}, {0} again', 'a', 'b'), 'b before a, a again');
    assert.strictEqual(t('{0} · {1}× haiku · {2}', 'desc', 2.5, true), 'desc · 2.5× haiku · true');
    assert.strictEqual(t('{0}', 0), '0');
  });

  it('fills named placeholders from one object', () => {
    assert.strictEqual(t('{stage} ran on {model}', { stage: 'Plan', model: 'opus' }), 'Plan ran on opus');
    assert.strictEqual(t('{n} of {n}', { n: 3 }), '3 of 3');
  });

  it('leaves a placeholder without an argument as written', () => {
    assert.strictEqual(t('{0} and {1}', 'one'), 'one and {1}');
    assert.strictEqual(t('{stage} on {model}', { stage: 'Plan' }), 'Plan on {model}');
    // Braces that are not a placeholder (spaces inside) and a named one given positionally.
    assert.strictEqual(t('expected { input, output }, got {0}; {name}', 'x'), 'expected { input, output }, got x; {name}');
    // An argument's own text is never read for placeholders.
    assert.strictEqual(t('{0} {1}', '{1}', 'b'), '{1} b');
  });

  it('looks messages and named arguments up as own properties only', () => {
    useBundle({ Plan: 'Planen' });
    for (const m of ['constructor', 'toString', '__proto__', 'hasOwnProperty', 'valueOf']) assert.strictEqual(t(m), m);
    assert.strictEqual(t('{constructor} {toString}', { other: 1 }), '{constructor} {toString}');
    // A bundle with no prototype, or one that names such a key, works too.
    useBundle(Object.assign(Object.create(null) as Record<string, string>, { constructor: 'Konstruktor' }));
    assert.strictEqual(t('constructor'), 'Konstruktor');
    assert.strictEqual(t('toString'), 'toString');
  });

  it('uses the bundle set last, with its own placeholder order, and English again after `useBundle(undefined)`', () => {
    useBundle({ 'Ticket #{0} created.': 'Ticket #{0} angelegt.', '{0} of ticket #{1}': 'Ticket #{1}: {0}' });
    assert.strictEqual(t('Ticket #{0} created.', 7), 'Ticket #7 angelegt.');
    assert.strictEqual(t('{0} of ticket #{1}', 'Plan', 7), 'Ticket #7: Plan');
    // A message the bundle does not have stays English.
    assert.strictEqual(t('Create ticket'), 'Create ticket');

    useBundle({ 'Ticket #{0} created.': 'Ticket n°{0} créé.' });
    assert.strictEqual(t('Ticket #{0} created.', 7), 'Ticket n°7 créé.');
    assert.strictEqual(t('{0} of ticket #{1}', 'Plan', 7), 'Plan of ticket #7');

    useBundle(undefined);
    assert.strictEqual(t('Ticket #{0} created.', 7), 'Ticket #7 created.');
  });

  it('domain text follows the bundle when read, never when loaded: stage labels and messages; names and ids stay', () => {
    assert.strictEqual(stageInfo('plan').label, 'Plan');
    useBundle({ Plan: 'Planen', 'Write an implementation plan': 'Einen Plan schreiben', 'the model name is empty': 'der Modellname ist leer' });
    assert.strictEqual(stageInfo('plan').label, 'Planen');
    assert.strictEqual(stageInfo('plan').summary, 'Einen Plan schreiben');
    assert.deepStrictEqual(checkModel(' '), { ok: false, model: '', message: 'der Modellname ist leer' });
    // What must not change with the language: the English name, and the command id made from it.
    assert.strictEqual(stageInfo('plan').name, 'Plan');
    assert.strictEqual(stageCommandId('plan'), 'sdlcPipeline.runPlanStage');
    useBundle(undefined);
    assert.strictEqual(stageInfo('plan').label, 'Plan');
  });

  it('the form accepts a bundle from the host within the protocol limits', () => {
    const ok = HostMessageSchema.safeParse({ type: 'l10n', bundle: { Plan: 'Planen' } });
    assert.ok(ok.success);
    assert.strictEqual(HostMessageSchema.safeParse({ type: 'l10n', bundle: { Plan: 1 } }).success, false);
    // The limits: 4,000 characters a message, 5,000 messages.
    assert.strictEqual(HostMessageSchema.safeParse({ type: 'l10n', bundle: { Plan: 'x'.repeat(4001) } }).success, false);
    const many = Object.fromEntries(Array.from({ length: 5001 }, (_, i) => [`m${i}`, 'x']));
    assert.strictEqual(HostMessageSchema.safeParse({ type: 'l10n', bundle: many }).success, false);
    // The host's own check accepts and refuses exactly the same, and says why in the message's own terms.
    // An extra key is dropped (accepted); ticket id 0 is not positive; "nope" is no message.
    const cases: Array<[unknown, boolean]> = [
      [{ type: 'l10n', bundle: { Plan: 'Planen' } }, true],
      [{ type: 'l10n', bundle: many }, false],
      [{ type: 'draftSaved', extra: 1 }, true],
      [{ type: 'created', requestId: 1, id: 0, ran: true }, false],
      [{ type: 'nope' }, false],
    ];
    for (const [m, accepted] of cases) {
      assert.strictEqual(HostMessageSchema.safeParse(m).success, accepted, `form: ${JSON.stringify(m).slice(0, 80)}`);
      assert.strictEqual(HostMessageCheckSchema.safeParse(m).success, accepted, `host: ${JSON.stringify(m).slice(0, 80)}`);
    }
    const refused = HostMessageCheckSchema.safeParse({ type: 'l10n', bundle: many });
    assert.ok(!refused.success && refused.error.issues[0].message === 'at most 5000 messages', JSON.stringify(refused.error?.issues[0]).slice(0, 200));
  });
});
