/**
 * The inference thread's side of SessionThread (./session-thread.ts): holds the ONNX sessions and runs
 * them one request at a time. onnxruntime-node's `run` blocks its calling thread for the whole
 * inference, so it runs here and never on a process's main thread.
 */
import './ort-env';
import { parentPort } from 'node:worker_threads';
import * as ort from 'onnxruntime-node';
import { openSession } from './onnx-session';
import type { ThreadReply, ThreadRequest } from './session-thread';

const port = parentPort;
if (!port) throw new Error('session-thread.worker must run in a worker thread');

const sessions = new Map<string, ort.InferenceSession>();

async function handle(request: ThreadRequest): Promise<ThreadReply> {
  switch (request.op) {
    case 'open': {
      const opened = await openSession(request.path, request.options);
      await sessions.get(request.session)?.release();
      sessions.set(request.session, opened.session);
      return { id: request.id, ok: true, provider: opened.provider, skipped: opened.skipped };
    }
    case 'run': {
      const session = sessions.get(request.session);
      if (!session) throw new Error(`no ${request.session} session is open`);
      const output = await session.run({
        [request.input.name]: new ort.Tensor(request.input.type, request.input.data, request.input.dims),
      });
      const tensor = output[request.outputName];
      if (!tensor) throw new Error(`the ${request.session} session returned no output named ${request.outputName}`);
      // A copy we own, so that its buffer can be transferred rather than cloned.
      return { id: request.id, ok: true, data: new Float32Array(tensor.data as Float32Array), dims: [...tensor.dims] };
    }
    case 'release': {
      await Promise.all([...sessions.values()].map((session) => session.release()));
      sessions.clear();
      return { id: request.id, ok: true };
    }
  }
}

// Requests arrive one at a time from the main side's queue; a chain keeps them in order regardless.
let chain: Promise<void> = Promise.resolve();
port.on('message', (request: ThreadRequest) => {
  chain = chain.then(async () => {
    let reply: ThreadReply;
    try {
      reply = await handle(request);
    } catch (error) {
      reply = { id: request.id, ok: false, error: error instanceof Error ? error.message : String(error) };
    }
    port.postMessage(reply, 'data' in reply && reply.data ? [reply.data.buffer as ArrayBuffer] : []);
  });
});
