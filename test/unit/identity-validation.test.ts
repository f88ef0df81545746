import {
  ageOn,
  isPlausibleEmail,
  normalizeMainlandMobile,
  parseResidentId,
} from '../../src/common/identity-validation';

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];

function withCheck(body: string): string {
  const sum = body.split('').reduce((acc, d, i) => acc + Number(d) * (WEIGHTS[i] ?? 0), 0);
  return body + '10X98765432'.charAt(sum % 11);
}

function wrongCheck(body: string): string {
  const right = withCheck(body).charAt(17);
  return body + (right === '0' ? '1' : '0');
}

const TODAY = new Date(Date.UTC(2024, 5, 1));

function expectProblemWithoutValue(value: string, result: { ok: boolean; problem?: string }): void {
  expect(result.ok).toBe(false);
  const problem = result.problem ?? '';
  expect(problem.length).toBeGreaterThan(0);
  const trimmed = value.trim();
  for (let i = 0; i + 4 <= trimmed.length; i++) {
    expect(problem).not.toContain(trimmed.slice(i, i + 4));
  }
}

describe('parseResidentId', () => {
  it('the test helper reproduces the documented example', () => {
    expect(withCheck('11010519491231002')).toBe('11010519491231002X');
  });

  it('accepts a valid number with a digit check character', () => {
    const id = withCheck('44030419900101123');
    expect(id).toBe('440304199001011233');
    expect(parseResidentId(id, TODAY)).toEqual({ ok: true, normalized: id, birthDate: '1990-01-01' });
  });

  it.each(['11010519491231002X', '11010519491231002x', '  11010519491231002X \n'])(
    'accepts %j with an X check character, normalized to uppercase and trimmed',
    (id) => {
      const expected = { ok: true, normalized: '11010519491231002X', birthDate: '1949-12-31' };
      expect(parseResidentId(id, TODAY)).toEqual(expected);
    },
  );

  it('rejects a wrong check character', () => {
    const id = wrongCheck('44030419900101123');
    const result = parseResidentId(id, TODAY);
    expect(result).toEqual({ ok: false, problem: 'check character does not match' });
    expectProblemWithoutValue(id, result);
  });

  it.each([
    ['X where a digit is expected', '44030419900101123X'],
    ['a check character that is neither digit nor X', '11010519491231002Y'],
    ['letters in the body', '1101051949A231002X'],
  ])('rejects %s', (_label, id) => {
    expectProblemWithoutValue(id, parseResidentId(id, TODAY));
  });

  it.each([
    ['17 characters', '11010519491231002'],
    ['19 characters', '11010519491231002X0'],
    ['empty', ''],
  ])('rejects %s', (_label, id) => {
    const result = parseResidentId(id, TODAY);
    expect(result).toEqual({ ok: false, problem: 'must be 18 characters' });
    expectProblemWithoutValue(id, result);
  });

  it.each([
    ['Feb 30', '11010519990230001'],
    ['Feb 29 on a non-leap year', '11010519990229001'],
    ['Feb 29 on a century non-leap year', '11010519000229001'],
    ['month 13', '11010519991301001'],
    ['month 00', '11010519990001001'],
    ['day 00', '11010519990100001'],
    ['Apr 31', '11010519990431001'],
  ])('rejects %s even with a correct check character', (_label, body) => {
    const id = withCheck(body);
    const result = parseResidentId(id, TODAY);
    expect(result).toEqual({ ok: false, problem: 'birth date is not a real date' });
    expectProblemWithoutValue(id, result);
  });

  it('accepts Feb 29 on a leap year', () => {
    const id = withCheck('11010520000229003');
    expect(parseResidentId(id, TODAY)).toEqual({ ok: true, normalized: id, birthDate: '2000-02-29' });
  });

  it('rejects a birth date after today', () => {
    const id = withCheck('11010520240602001');
    const result = parseResidentId(id, TODAY);
    expect(result).toEqual({ ok: false, problem: 'birth date is in the future' });
    expectProblemWithoutValue(id, result);
  });

  it('accepts a birth date equal to today and 1900-01-01, rejects a year before 1900', () => {
    expect(parseResidentId(withCheck('11010520240601001'), TODAY).ok).toBe(true);
    expect(parseResidentId(withCheck('11010519000101001'), TODAY).ok).toBe(true);
    const id = withCheck('11010518991231001');
    expectProblemWithoutValue(id, parseResidentId(id, TODAY));
  });
});

describe('ageOn', () => {
  it('counts full years', () => {
    expect(ageOn('1990-06-01', TODAY)).toBe(34);
    expect(ageOn('1990-06-02', TODAY)).toBe(33);
    expect(ageOn('1990-05-31', TODAY)).toBe(34);
    expect(ageOn('2024-06-01', TODAY)).toBe(0);
  });

  it('handles a Feb 29 birthday in a non-leap year', () => {
    expect(ageOn('2000-02-29', new Date(Date.UTC(2023, 1, 28)))).toBe(22);
    expect(ageOn('2000-02-29', new Date(Date.UTC(2023, 2, 1)))).toBe(23);
  });

  it('throws on a malformed date', () => {
    expect(() => ageOn('1990/01/01', TODAY)).toThrow(RangeError);
  });
});

describe('normalizeMainlandMobile', () => {
  it.each([
    ['13812345678', '13812345678'],
    ['+8613812345678', '13812345678'],
    ['008613812345678', '13812345678'],
    [' +86 138 1234 5678 ', '13812345678'],
    ['138-1234-5678', '13812345678'],
    ['19912345678', '19912345678'],
  ])('normalizes %j', (input, expected) => {
    expect(normalizeMainlandMobile(input)).toEqual({ ok: true, normalized: expected });
  });

  it.each([
    ['12 digits', '138123456789'],
    ['10 digits', '1381234567'],
    ['starting 12', '12812345678'],
    ['starting 2', '23812345678'],
    ['letters', '1381234567a'],
    ['other country code', '+8513812345678'],
    ['empty', ''],
  ])('rejects %s without echoing the value', (_label, input) => {
    expectProblemWithoutValue(input, normalizeMainlandMobile(input));
  });
});

describe('isPlausibleEmail', () => {
  const local64 = `${'a'.repeat(64)}@example.com`;
  it.each(['alice@example.com', 'a.b+tag@mail.example.cn', 'x@a-b.co', 'USER_1@Sub.Domain.ORG', local64])(
    'accepts %s',
    (email) => expect(isPlausibleEmail(email)).toBe(true),
  );

  it.each([
    ['empty', ''],
    ['no @', 'alice.example.com'],
    ['two @', 'a@b@example.com'],
    ['empty local part', '@example.com'],
    ['no dot in domain', 'alice@localhost'],
    ['whitespace', 'ali ce@example.com'],
    ['trailing newline', 'alice@example.com\n'],
    ['label starts with hyphen', 'alice@-example.com'],
    ['label ends with hyphen', 'alice@example-.com'],
    ['empty label', 'alice@example..com'],
    ['trailing dot', 'alice@example.com.'],
    ['underscore in domain', 'alice@exa_mple.com'],
    ['local part over 64', `${'a'.repeat(65)}@example.com`],
    ['over 254 total', `a@${Array(5).fill('b'.repeat(60)).join('.')}.com`],
  ])('rejects %s', (_label, email) => expect(isPlausibleEmail(email)).toBe(false));
});
