export { changeStreamKey } from './change-stream-key';
export { changesWaiting } from './changes-waiting';
export {
  openArchiveDatabase,
  type ArchiveDatabase,
  type ArchiveLocation,
} from './archive-database';
export { ArchiveWriter } from './archive-writer';
export { ChangeArchiver, ARCHIVER_GROUP, type ChangeArchiverOptions } from './change-archiver';
export {
  ArchiveSearch,
  STATS_STATUSES,
  type ArchiveFilter,
  type ArchivePage,
  type ArchivePosition,
  type StatsGrouping,
  type StatusCounts,
} from './archive-search';
export { dropExpiredPartitions, listPartitions, partitionsBefore } from './archive-partitions';
export { startArchive, type StartArchiveOptions, type RunningArchive } from './start-archive';
