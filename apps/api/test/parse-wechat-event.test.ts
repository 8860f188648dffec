import { describe, expect, it } from '@jest/globals';
import { parseWeChatEvent } from '../src/domain/parse-wechat-event';

describe('parseWeChatEvent', () => {
  it('when an XML popup event has two List items, then both are read with every value a string', () => {
    const xml =
      '<xml><ToUserName><![CDATA[gh_1]]></ToUserName><FromUserName><![CDATA[oUser]]></FromUserName><CreateTime>1700000000</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[subscribe_msg_popup_event]]></Event><SubscribeMsgPopupEvent><List><TemplateId><![CDATA[T1]]></TemplateId><SubscribeStatusString><![CDATA[accept]]></SubscribeStatusString><PopupScene>0</PopupScene></List><List><TemplateId><![CDATA[T2]]></TemplateId><SubscribeStatusString><![CDATA[reject]]></SubscribeStatusString><PopupScene>0</PopupScene></List></SubscribeMsgPopupEvent></xml>';

    const event = parseWeChatEvent(xml);

    expect(event.CreateTime).toBe('1700000000');
    expect(event.List).toEqual([
      { TemplateId: 'T1', SubscribeStatusString: 'accept', PopupScene: '0' },
      { TemplateId: 'T2', SubscribeStatusString: 'reject', PopupScene: '0' },
    ]);
  });

  it('when a JSON msgid exceeds 2^53, then every digit is kept', () => {
    const json =
      '{"ToUserName":"gh","FromUserName":"o","CreateTime":1,"MsgType":"event","Event":"TEMPLATESENDJOBFINISH","MsgID":18446744073709551615,"Status":"success"}';

    expect(parseWeChatEvent(json).MsgID).toBe('18446744073709551615');
  });

  it('when the XML has a DOCTYPE or attributes, then it is refused', () => {
    expect(() => parseWeChatEvent('<!DOCTYPE xml><xml></xml>')).toThrow();
    expect(() => parseWeChatEvent('<xml a="1"><Event>x</Event></xml>')).toThrow();
  });
});
