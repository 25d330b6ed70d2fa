/**
 * Jest set-up for every test file: the tests run the TypeScript sources, so the CLIP inference thread
 * (src/scoring/model/session-thread.ts) must register a .ts loader before it loads its entry file.
 * Production code never names a file of test/: the set-up hands it this loader instead.
 */
import * as path from 'node:path';
import { TS_WORKER_REGISTER_ENV } from '../src/scoring/model/session-thread';

process.env[TS_WORKER_REGISTER_ENV] = path.resolve(__dirname, 'ts-worker-register.js');
