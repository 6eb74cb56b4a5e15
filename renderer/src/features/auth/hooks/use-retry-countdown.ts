import { useEffect, useState } from 'react';
import { PlantdeskError } from '../../../../../shared/errors';

/** Seconds to wait that a throttled / rate-limited answer carries in details.retryAfter, if any. */
export function retryAfterSeconds(error: unknown): number | null {
  if (!(error instanceof PlantdeskError) || (error.code !== 'throttled' && error.code !== 'rate_limited')) return null;
  const value = (error.details as { retryAfter?: unknown } | undefined)?.retryAfter;
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? Math.ceil(value) : null;
}

/**
 * A live countdown to the end of a server-imposed wait: the seconds left (0 when none), ticking
 * once a second. A new error restarts it from that error's retryAfter.
 */
export function useRetryCountdown(error: unknown): number {
  const [until, setUntil] = useState<number | null>(null);
  const [left, setLeft] = useState(0);

  useEffect(() => {
    const seconds = retryAfterSeconds(error);
    setUntil(seconds === null ? null : Date.now() + seconds * 1000);
    setLeft(seconds ?? 0);
  }, [error]);

  useEffect(() => {
    if (until === null) return;
    const tick = () => {
      const remaining = Math.max(0, Math.ceil((until - Date.now()) / 1000));
      setLeft(remaining);
      if (remaining === 0) setUntil(null);
    };
    const timer = setInterval(tick, 1000);
    return () => clearInterval(timer);
  }, [until]);

  return left;
}
