import { UnrecoverableError, type Job } from 'bullmq';
import {
  wechatEventJobSchema,
  type ConsentLedger,
  type WeChatEventJob,
} from '@wechat-dispatch/core';
import type { Logger } from '@wechat-dispatch/shared';
import type { MessageLifecycle } from './message-lifecycle';

/** Dependencies of the event processor. */
export interface EventProcessorDeps {
  /** What the app's delivery events move on: its shard's lifecycle. */
  lifecycle: Pick<MessageLifecycle, 'delivery'>;
  /** What the app's consent events change: its shard's ledger. */
  consents: Pick<ConsentLedger, 'apply'>;
  logger: Logger;
}

/** WeChat's template result: `success`, `failed:user block`, `failed: system failed`, … */
const TEMPLATE_DELIVERED = 'success';

/**
 * Applies one verified WeChat event (wechat-facts §7): delivery results move `sent` records to
 * `delivered`/`undelivered`; popup and change events maintain the consent ledger. Unknown
 * events are acknowledged and ignored.
 */
export function createEventProcessor(deps: EventProcessorDeps) {
  return async (job: Job<WeChatEventJob>): Promise<{ applied: number }> => {
    const parsed = wechatEventJobSchema.safeParse(job.data);
    if (!parsed.success) {
      throw new UnrecoverableError('invalid wechat event job payload');
    }
    const { appId, event, traceId } = parsed.data;
    // On the job's logger, not in AsyncLocalStorage (see the send processor).
    const logger = deps.logger.child({
      traceId,
      queue: job.queueName,
      jobId: job.id,
      event: event.Event,
    });
    const openId = event.FromUserName;
    let applied = 0;
    switch (event.Event) {
      case 'TEMPLATESENDJOBFINISH': {
        if (event.MsgID) {
          const status = event.Status ?? '';
          await deps.lifecycle.delivery(appId, event.MsgID, {
            delivered: status === TEMPLATE_DELIVERED,
            source: 'TEMPLATESENDJOBFINISH',
            wechatStatus: status,
          });
          applied++;
        }
        break;
      }
      case 'subscribe_msg_sent_event': {
        for (const item of event.List) {
          if (item.MsgID) {
            await deps.lifecycle.delivery(appId, item.MsgID, {
              delivered: item.ErrorCode === '0',
              source: 'subscribe_msg_sent_event',
              wechatStatus: item.ErrorStatus ?? '',
              errorCode: item.ErrorCode,
            });
            applied++;
          }
        }
        break;
      }
      case 'subscribe_msg_popup_event':
      case 'subscribe_msg_change_event': {
        for (const item of event.List) {
          if (!item.TemplateId) {
            continue;
          }
          // acceptWithAudio/acceptWithAlert are accepts too; change events only report rejects.
          const accepted = item.SubscribeStatusString?.startsWith('accept') === true;
          const op = accepted && event.Event === 'subscribe_msg_popup_event' ? 'grant' : 'clear';
          await deps.consents.apply(op, { appId, openId, templateId: item.TemplateId });
          applied++;
        }
        break;
      }
      default:
        logger.debug('wechat event ignored');
    }
    logger.info('wechat event applied', { appId, applied });
    return { applied };
  };
}
