import { safeNext } from '../../src/web/web-i18n';

describe('safeNext: redirect targets are same-site paths only (issue 11)', () => {
  const BASE = 'https://kpac.example';

  it.each([
    ['/track', '/track'],
    ['/staff/complaints/12?tab=timeline#events', '/staff/complaints/12?tab=timeline#events'],
    ['/a/../b', '/b'],
    ['/ж', '/%D0%B6'],
    ['/%09/evil.example', '/%09/evil.example'],
  ])('keeps %j as %j', (next, expected) => {
    expect(safeNext(next, '/', BASE)).toBe(expected);
  });

  it.each([
    '/\t/evil.example',
    '/\n/evil.example',
    '/\r\nSet-Cookie: x=1',
    '/\u0000',
    '/\u007f',
    '/\u0085/evil.example',
    '/\u2028',
    '//evil.example',
    '///evil.example',
    '/\\evil.example',
    '/\\/evil.example',
    '\\\\evil.example',
    'https://evil.example',
    'https://kpac.example/track',
    'javascript:alert(1)',
    'evil.example',
    '',
    ' /track',
    '/' + 'a'.repeat(3000),
  ])('refuses %j', (next) => {
    expect(safeNext(next, '/home', BASE)).toBe('/home');
  });

  it('refuses what is not a string', () => {
    for (const v of [undefined, null, 3, ['/track'], { next: '/track' }]) expect(safeNext(v, '', BASE)).toBe('');
  });
});
