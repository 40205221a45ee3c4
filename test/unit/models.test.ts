import * as assert from 'node:assert';
import { checkModel, didYouMean, hasModelIdShape, modelFamily, pickerModels } from '../../src/domain/models';

describe('models', () => {
  it('accepts CLI aliases, custom models and model-id shapes', () => {
    for (const m of ['opus', 'sonnet', 'haiku', 'opusplan', 'sonnet[1m]', 'opus[1m]', 'fable', 'best']) assert.ok(checkModel(m).ok, m);
    for (const m of ['claude-opus-4-8', 'claude-sonnet-4-5-20250929', 'claude-haiku-4-5-20251001', 'claude-sonnet-4-5@20250929', 'us.anthropic.claude-sonnet-4-5-20250929-v1:0', 'anthropic.claude-3-5-sonnet-20241022-v2:0', 'claude-sonnet-5[1m]'])
      assert.ok(hasModelIdShape(m) && checkModel(m).ok, m);
    assert.ok(checkModel('my-proxy-model', ['my-proxy-model']).ok);
  });

  it('rejects typos with a did-you-mean', () => {
    const c = checkModel('sonet');
    assert.strictEqual(c.ok, false);
    assert.strictEqual(!c.ok && c.suggestion, 'sonnet');
    assert.match(!c.ok ? c.message : '', /did you mean "sonnet"/);
    assert.strictEqual(didYouMean('opsu', ['opus', 'sonnet', 'haiku']), 'opus');
    assert.strictEqual(didYouMean('gpt-4o', ['opus', 'sonnet', 'haiku']), undefined);
  });

  it('rejects wrong types and empty strings without throwing', () => {
    for (const v of [42, null, undefined, {}, [], '', '   ', 'has space', 'rm -rf /']) assert.strictEqual(checkModel(v).ok, false, String(v));
  });

  it('knows the family of aliases and ids', () => {
    assert.strictEqual(modelFamily('claude-opus-4-8'), 'opus');
    assert.strictEqual(modelFamily('opusplan'), 'opus');
    assert.strictEqual(modelFamily('us.anthropic.claude-haiku-4-5-20251001-v1:0'), 'haiku');
    assert.strictEqual(modelFamily('sonnet[1m]'), 'sonnet');
  });

  it('offers built-ins first, then custom models without duplicates', () => {
    assert.deepStrictEqual(pickerModels(['opusplan', 'opus', 'sonnet[1m]']), ['opus', 'sonnet', 'haiku', 'fable', 'opusplan', 'sonnet[1m]']);
  });
});
