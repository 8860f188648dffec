import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { CallDeadline } from '../src/http/call-deadline';

describe('CallDeadline', () => {
  beforeEach(() => {
    jest.useFakeTimers();
  });
  afterEach(() => {
    jest.useRealTimers();
  });

  it('when the time is up, then it is aborted and calls its listener once', () => {
    const deadline = new CallDeadline(100);
    const listener = jest.fn();
    deadline.addEventListener('abort', listener);
    jest.advanceTimersByTime(99);
    expect(deadline.aborted).toBe(false);
    jest.advanceTimersByTime(1);
    expect(deadline.aborted).toBe(true);
    expect(listener).toHaveBeenCalledTimes(1);
  });

  it('when cleared before the time is up, then it never aborts', () => {
    const deadline = new CallDeadline(100);
    const listener = jest.fn();
    deadline.addEventListener('abort', listener);
    deadline.clear();
    jest.advanceTimersByTime(1000);
    expect(deadline.aborted).toBe(false);
    expect(listener).not.toHaveBeenCalled();
  });

  it('when its listener was removed, then aborting calls nothing', () => {
    const deadline = new CallDeadline(100);
    const listener = jest.fn();
    deadline.addEventListener('abort', listener);
    deadline.removeEventListener('abort', listener);
    jest.advanceTimersByTime(100);
    expect(deadline.aborted).toBe(true);
    expect(listener).not.toHaveBeenCalled();
  });
});
