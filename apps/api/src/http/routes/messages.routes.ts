import { Router } from 'express';
import type { MessageService } from '../../domain/message-service';

/** `/v1/messages`: enqueue and read back. */
export function messagesRoutes(messages: MessageService): Router {
  const router = Router();
  router.post('/', async (req, res) => {
    const accepted = await messages.accept(req.body, {
      caller: res.locals.caller as string,
      traceId: res.locals.traceId as string,
    });
    res.status(202).location(`/v1/messages/${accepted.id}`).json(accepted);
  });
  router.get('/:id', async (req, res) => {
    res.json(await messages.get(req.params.id));
  });
  return router;
}
