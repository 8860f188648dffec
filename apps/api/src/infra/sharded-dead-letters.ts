import {
  compareDeadLetterCursors,
  shardOfMessageId,
  type DeadLetterPage,
  type DeadLetterStore,
  type DeliveryRecord,
} from '@wechat-dispatch/core';

/** What the API asks of the dead letters: pages of a listing and redrives. */
export type DeadLetters = Pick<DeadLetterStore, 'list' | 'redrive'>;

/**
 * The dead-letter stores of every shard as one listing. The cursor is a position in one total
 * order, (death time, id) newest first, so each shard is read from the same position and the
 * merge keeps what every shard has shown down to the least advanced shard that has more, then
 * the first `limit` of it. A redrive goes to the shard its id names.
 */
export function shardedDeadLetters(stores: readonly DeadLetterStore[]): DeadLetters {
  if (stores.length === 1) {
    return stores[0]!;
  }
  return {
    redrive: (id, by) => (stores[shardOfMessageId(id) ?? 0] ?? stores[0]!).redrive(id, by),
    async list(query) {
      const pages = await Promise.all(stores.map((store) => store.list(query)));
      return mergePages(pages, query.limit ?? 50);
    },
  };
}

/** Merges shard pages read from one position into the page of the whole listing. */
export function mergePages(pages: readonly DeadLetterPage[], limit: number): DeadLetterPage {
  // Below the least advanced unfinished shard, a shard may hold items its page did not show.
  const bound = pages
    .map((page) => page.nextCursor)
    .filter((cursor): cursor is string => cursor !== null)
    .sort(compareDeadLetterCursors)[0];
  const seen: Array<{ item: DeliveryRecord; position: string }> = pages
    .flatMap((page) => page.items.map((item, i) => ({ item, position: page.positions?.[i] ?? '' })))
    .filter(({ position }) => bound === undefined || compareDeadLetterCursors(position, bound) <= 0)
    .sort((a, b) => compareDeadLetterCursors(a.position, b.position));
  const taken = seen.slice(0, limit);
  const last = taken[taken.length - 1];
  const nextCursor =
    taken.length === limit && last && (seen.length > limit || bound !== undefined)
      ? last.position
      : (bound ?? null);
  return { items: taken.map(({ item }) => item), nextCursor };
}
