import { parentPort } from 'node:worker_threads';
import { errnoCode } from '../errors.js';
import { writeFrameJsonSync } from './frame-json.js';
import type { FrameJsonReply, FrameJsonRequest } from './frame-json-writer.js';

/**
 * The replay's frame JSON writer thread (frame-json-writer.ts): each request is one frame's read,
 * merge and atomic write, done synchronously, one at a time; they come in batches. Replies go back in
 * batches too, once the messages that queued up while it worked are done.
 */
const port = parentPort;
if (port) {
  let replies: FrameJsonReply[] = [];
  const flush = () => {
    port.postMessage(replies);
    replies = [];
  };
  port.on('message', (requests: FrameJsonRequest[]) => {
    const flushScheduled = replies.length > 0;
    for (const request of requests) {
      try {
        const written = writeFrameJsonSync(request.metadataDir, request.record, request.sequence);
        replies.push({ id: request.id, replacedCorrupt: written.replacedCorrupt });
      } catch (err) {
        replies.push({ id: request.id, error: { message: err instanceof Error ? err.message : String(err), code: errnoCode(err) } });
      }
    }
    if (!flushScheduled && replies.length > 0) setImmediate(flush);
  });
}
