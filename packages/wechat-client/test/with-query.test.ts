import { describe, expect, it } from '@jest/globals';
import { withQuery } from '../src/http/with-query';

describe('withQuery', () => {
  it('when there are no parameters, then the path is unchanged', () => {
    expect(withQuery('/cgi-bin/token', undefined)).toBe('/cgi-bin/token');
  });

  it('when there are parameters, then each is percent-encoded, in order', () => {
    expect(
      withQuery('/cgi-bin/token', { grant_type: 'client_credential', secret: 'a b&c=d' }),
    ).toBe('/cgi-bin/token?grant_type=client_credential&secret=a%20b%26c%3Dd');
  });
});
