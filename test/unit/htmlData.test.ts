import * as assert from 'node:assert';
import { jsonForHtml } from '../../src/domain/htmlData';

describe('jsonForHtml: data for a webview page', () => {
  it('cannot close its script element or open a comment, and reads back the same', () => {
    const hostile = { title: '</script><script>alert(1)</script>', note: '<!-- x --> </SCRIPT >', nested: ['<', '\u2028', 'a&b'] };
    const text = jsonForHtml(hostile);
    assert.ok(!text.includes('<'), text);
    assert.deepStrictEqual(JSON.parse(text), hostile);
  });
});
