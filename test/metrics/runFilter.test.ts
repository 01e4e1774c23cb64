import { test } from 'node:test';
import assert from 'node:assert/strict';
import { textFilter } from '../../src/common/runFilter';

test('the run filter is a case-insensitive regular expression, or a substring when the text is not one', () => {
  const names = ['tiny · adapter:mood #1', 'tiny · full #2', 'other · head-only'];
  assert.deepEqual(names.filter(textFilter('')), names);
  assert.deepEqual(names.filter(textFilter('FULL')), ['tiny · full #2']);
  assert.deepEqual(names.filter(textFilter('^tiny.*#\\d$')), ['tiny · adapter:mood #1', 'tiny · full #2']);
  assert.deepEqual(names.filter(textFilter('mood|head')), ['tiny · adapter:mood #1', 'other · head-only']);
  assert.deepEqual(names.filter(textFilter('adapter:mood #1 (')), [], 'an unclosed group is taken as text');
  assert.deepEqual(['a (b'].filter(textFilter('a (')), ['a (b']);
});
