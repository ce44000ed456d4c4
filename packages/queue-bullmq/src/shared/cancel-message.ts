/** What travels on a queue's cancel channel. */
export interface CancelMessage {
  jobId: string;
  reason: string;
}

export const encodeCancel = (message: CancelMessage): string => JSON.stringify(message);

export function decodeCancel(text: string): CancelMessage | undefined {
  try {
    const value = JSON.parse(text) as Partial<CancelMessage>;
    if (typeof value.jobId === 'string')
      return { jobId: value.jobId, reason: typeof value.reason === 'string' ? value.reason : 'cancelled' };
  } catch {
    // not ours
  }
  return undefined;
}
