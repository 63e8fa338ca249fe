import { challenges } from './challenges';

const ALL = { basic: true, bearer: true, idtoken: true };

describe('challenges', () => {
  it('names every enabled method, Basic first, each with the realm', () => {
    expect(challenges(ALL, false)).toEqual([
      'Basic realm="trino-stream", charset="UTF-8"',
      'Bearer realm="trino-stream"',
      'IdToken realm="trino-stream", header="idtoken"',
    ]);
  });

  it('says invalid_token on the Bearer challenge only when a Bearer token was rejected', () => {
    expect(challenges(ALL, true)[1]).toBe('Bearer realm="trino-stream", error="invalid_token"');
  });

  it('leaves out disabled methods', () => {
    expect(challenges({ basic: true, bearer: false, idtoken: false }, false)).toEqual([
      'Basic realm="trino-stream", charset="UTF-8"',
    ]);
    expect(challenges({ basic: false, bearer: true, idtoken: true }, true)).toEqual([
      'Bearer realm="trino-stream", error="invalid_token"',
      'IdToken realm="trino-stream", header="idtoken"',
    ]);
  });
});
