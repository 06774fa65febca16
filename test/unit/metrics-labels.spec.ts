import { mailErrorClass } from '../../src/metrics/metrics.repository';

describe('mail failure classes in /metrics', () => {
  it('takes the class from the stored summary and never anything else of it', () => {
    expect(mailErrorClass(null)).toBe('none');
    expect(mailErrorClass('550 rejected')).toBe('rejected');
    expect(mailErrorClass('NO_RECIPIENTS rejected')).toBe('rejected');
    expect(mailErrorClass('421 tempfail')).toBe('tempfail');
    expect(mailErrorClass('ECONNECTION connection')).toBe('connection');
    // Anything unexpected (an older summary, an exception name) becomes one fixed label.
    expect(mailErrorClass('TypeError')).toBe('other');
    expect(mailErrorClass('550 user@example.org unknown')).toBe('other');
  });
});
