import { z } from 'zod';
import { ERROR_CODES } from '@wechat-dispatch/shared';

/** Every error answer of `/v1` (CONTRACT §3). */
export const errorBodySchema = z
  .object({
    error: z.object({
      code: z.enum(Object.values(ERROR_CODES) as [string, ...string[]]),
      message: z.string(),
      requestId: z.string().meta({ description: 'The X-Request-Id of the request.' }),
      details: z
        .array(
          z.object({
            path: z.string().meta({ example: 'messages[3].data.thing1.value' }),
            message: z.string(),
          }),
        )
        .optional(),
      errorId: z
        .string()
        .optional()
        .meta({ description: 'Only on 500: the id under which the failure was logged.' }),
    }),
  })
  .meta({ id: 'Error' });

/** `:id` of a message. */
export const messageIdParamsSchema = z.object({
  id: z.string().min(1).meta({
    description: 'A message id as returned on 202.',
    example: 'mmhx3k2a0f3b6c1d2e4f5a6b7',
  }),
});
