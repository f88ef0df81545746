import {
  maskEmail,
  maskName,
  maskNationalId,
  maskPhone,
  maskValue,
  type MaskableCategory,
} from '../../src/privacy/masking';

describe('maskName', () => {
  it.each([
    ['张三', '张*'],
    ['欧阳娜娜', '欧***'],
    ['李', '*'],
    ['', ''],
    ['Alice', 'A****'],
  ])('%j -> %j', (input, expected) => {
    expect(maskName(input)).toBe(expected);
  });

  it('treats surrogate pairs as single characters', () => {
    // U+20BB7 (𠮷) is outside the BMP, so it is two UTF-16 code units.
    expect(maskName('𠮷野家')).toBe('𠮷**');
    expect(maskName('王𠮷')).toBe('王*');
    expect(maskName('𠮷')).toBe('*');
  });
});

describe('maskNationalId', () => {
  it('keeps the last 4 only (sequence and an X check character): 14 stars', () => {
    expect(maskNationalId('11010519491231002X')).toBe('**************002X');
  });

  it('keeps a digit check character; region and birth date are hidden', () => {
    const masked = maskNationalId('440304199001011233');
    expect(masked).toBe('**************1233');
    expect(masked).not.toContain('440304');
    expect(masked).not.toContain('19900101');
  });

  it('masks all but the last 2 when not 18 characters', () => {
    expect(maskNationalId('11010519491231002')).toBe('***************02');
    expect(maskNationalId('12')).toBe('**');
    expect(maskNationalId('')).toBe('');
  });
});

describe('maskPhone', () => {
  it('keeps first 3 and last 2 of an 11-digit number', () => {
    expect(maskPhone('13812345678')).toBe('138******78');
  });

  it('masks all but the last 2 for other lengths', () => {
    expect(maskPhone('1381234567')).toBe('********67');
    expect(maskPhone('+8613812345678')).toBe('************78');
  });
});

describe('maskEmail', () => {
  it.each([
    ['alice@qq.com', 'a***@qq.com'],
    ['b@163.com', 'b***@163.com'],
    ['Carol@Gmail.com', 'C***@Gmail.com'],
    ['张三@126.com', '张***@126.com'],
    ['noatsign', '********'],
  ])('a public provider keeps its domain: %j -> %j', (input, expected) => {
    expect(maskEmail(input)).toBe(expected);
  });

  it.each([
    ['alice@example.com', 'a***@***.com'],
    ['b@smallfirm.com.cn', 'b***@***.cn'],
    ['张三@example.cn', '张***@***.cn'],
    ['d@localhost', 'd***@***'],
  ])('any other domain (an employer, a family) keeps only its last label: %j -> %j', (input, expected) => {
    expect(maskEmail(input)).toBe(expected);
  });
});

describe('maskValue', () => {
  it.each<[MaskableCategory, string, string]>([
    ['NAME', '张三', '张*'],
    ['NATIONAL_ID', '11010519491231002X', '**************002X'],
    ['PHONE', '13812345678', '138******78'],
    ['EMAIL', 'alice@qq.com', 'a***@qq.com'],
  ])('dispatches %s', (category, input, expected) => {
    expect(maskValue(category, input)).toBe(expected);
  });

  it('throws on a category outside the union', () => {
    expect(() => maskValue('SALARY' as MaskableCategory, 'x')).toThrow();
  });
});
