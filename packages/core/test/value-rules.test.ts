import { describe, expect, it } from '@jest/globals';
import { checkDataValue, keyType } from '../src/messages/value-rules';

describe('keyType', () => {
  it.each([
    ['thing1', 'thing'],
    ['thing01', 'thing'],
    ['character_string12', 'character_string'],
    ['phone_number5', 'phone_number'],
    ['keyword1', 'keyword'],
    ['first', undefined],
    ['thing_1', undefined],
  ])('when the key is %s, then the type is %s', (key, type) => {
    expect(keyType(key)).toBe(type);
  });
});

describe('checkDataValue', () => {
  it.each([
    ['thing1', '订单已发货'],
    ['thing1', '12345678901234567890'],
    ['number2', '123.45'],
    ['letter3', 'abcXYZ'],
    ['symbol4', '%$#'],
    ['character_string5', 'A-123_b/4'],
    ['time6', '15:01'],
    ['time6', '2019年10月1日 15:01'],
    ['time6', '2026-11-26 10:00'],
    ['time6', '10:00 ~ 11:30'],
    ['date7', '2018-01-01'],
    ['date7', '2018/01/01'],
    ['date7', '2018.01.01'],
    ['date7', '2018-01'],
    ['date7', '01-01'],
    ['date7', '2018-01-01 10:00'],
    ['date7', '2026年11月'],
    ['amount8', '¥100.50'],
    ['amount8', '100元'],
    ['phone_number9', '+86-0766-66888866'],
    ['car_number10', '粤A8Z888挂'],
    ['name11', '张三'],
    ['name11', 'John Smith'],
    ['name11', '张·三'],
    ['phone_number9', '123#45'],
    ['const13', ''],
    ['enum14', '已发货'],
    ['phrase12', '配送中'],
    ['keyword1', 'anything at all, however long it may be'],
    ['remark', 'line one\nline two'],
    ['constructor1', 'not a type, though Object.prototype has the name'],
  ])('when %s is %j, then WeChat would accept it', (key, value) => {
    expect(checkDataValue(key, value)).toBeUndefined();
  });

  it.each([
    ['thing1', '这是一个超过二十个字符长度的事物描述文本内容啊'],
    ['thing1', ''],
    ['thing1', '   '],
    ['thing1', 'two\nlines'],
    ['number2', '12a'],
    ['number2', '+3'],
    ['number2', '1'.repeat(33)],
    ['letter3', 'abc1'],
    ['symbol4', 'a!'],
    ['symbol4', '!!!!!!'],
    ['character_string5', '中文'],
    ['character_string5', 'x'.repeat(33)],
    ['time6', '25:00'],
    ['time6', 'tomorrow'],
    ['time6', '10:00\n~11:00'],
    ['date7', 'yesterday'],
    ['amount8', '12345678901'],
    ['phone_number9', '123456789012345678'],
    ['car_number10', '粤A8Z888挂X1'],
    ['name11', '一二三四五六七八九十一'],
    ['name11', 'x'.repeat(21)],
    ['name11', 'R2D2'],
    ['enum14', ''],
    ['enum14', 'x'.repeat(21)],
    ['phrase12', '配送中了吗啊啊'],
    ['phrase12', 'ok'],
    ['keyword1', 'a\nb'],
  ])('when %s is %j, then it is rejected with a reason', (key, value) => {
    expect(checkDataValue(key, value)).toEqual(expect.any(String));
  });
});
