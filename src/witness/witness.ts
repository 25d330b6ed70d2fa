/**
 * One witness round (C2SP tlog-witness style, pull model): fetch the log's signed tree head, check
 * the log's signature, check it is consistent with the last head this witness cosigned (RFC 9162
 * consistency proof from the log), cosign it (C2SP tlog-cosignature), save the state atomically,
 * then hand the cosignature to the log. A head inconsistent with the last cosigned one is refused
 * for good: the evidence (both heads, the proof) is kept in the state and logged loudly.
 */
import type { KeyObject } from 'node:crypto';
import { cosign } from '../audit/cosignature';
import { verifyConsistency } from '../audit/merkle/rfc6962';
import { openNote, parseCheckpoint, type NoteVerifier } from '../audit/signed-note';
import { compactHistory, MAX_EVIDENCE, saveState, type Evidence, type WitnessState } from './witness-state';

export interface WitnessOptions {
  logUrl: string;
  origin: string;
  logKeys: NoteVerifier[];
  name: string;
  privateKey: KeyObject;
  stateFile: string;
  historyLimit: number;
  /** Unix seconds (injectable for tests). */
  now?: () => number;
  log?: (level: 'info' | 'warn' | 'error', message: string) => void;
  fetch?: typeof fetch;
}

export type RoundOutcome =
  | { kind: 'cosigned'; size: number; rootHash: string; posted: boolean }
  | { kind: 'unchanged'; size: number; posted: boolean }
  | { kind: 'refused'; evidence: Evidence }
  | { kind: 'error'; message: string };

export class Witness {
  constructor(
    private readonly options: WitnessOptions,
    public state: WitnessState,
  ) {}

  private get fetch(): typeof fetch {
    return this.options.fetch ?? fetch;
  }

  private log(level: 'info' | 'warn' | 'error', message: string): void {
    (this.options.log ?? defaultLog)(level, message);
  }

  async round(): Promise<RoundOutcome> {
    try {
      return await this.roundOrThrow();
    } catch (error) {
      const message = (error as Error).message;
      this.log('warn', `witness round failed: ${message}`);
      return { kind: 'error', message };
    }
  }

  private async get(pathAndQuery: string): Promise<Response> {
    const response = await this.fetch(`${this.options.logUrl.replace(/\/+$/, '')}${pathAndQuery}`, {
      signal: AbortSignal.timeout(10_000),
      redirect: 'error',
    });
    if (!response.ok) throw new Error(`GET ${pathAndQuery} answered ${response.status}`);
    return response;
  }

  private async roundOrThrow(): Promise<RoundOutcome> {
    const note = await (await this.get('/v1/audit/tree-head')).text();
    const opened = openNote(note, this.options.logKeys);
    if (opened.verifiedBy.length === 0) throw new Error("the log's tree head is not signed by a configured log key");
    const checkpoint = parseCheckpoint(opened.body);
    if (checkpoint.origin !== this.options.origin)
      throw new Error(`the tree head is for origin ${checkpoint.origin}, not ${this.options.origin}`);
    const rootHash = checkpoint.rootHash.toString('base64');
    // Only the log's own signature lines travel on: other witnesses' cosignatures are theirs to serve.
    const logNote = `${opened.body}\n${note
      .slice(opened.body.length + 1)
      .split('\n')
      .filter((line, i) => line !== '' && opened.signatures[i]?.verified)
      .map((line) => `${line}\n`)
      .join('')}`;
    const latest = this.state.latest;

    if (latest) {
      const offered = { size: checkpoint.size, rootHash, note };
      if (checkpoint.size < latest.size)
        return this.refuse({
          kind: 'rollback',
          message: `the log offers size ${checkpoint.size} after this witness cosigned size ${latest.size}: rolled back`,
          offered,
        });
      if (checkpoint.size === latest.size) {
        if (rootHash !== latest.rootHash)
          return this.refuse({
            kind: 'fork',
            message: `the log signed two different roots for size ${checkpoint.size}: forked`,
            offered,
          });
        const posted = latest.posted || (await this.post(opened.body, cosignatureLineOf(latest.note)));
        if (posted !== latest.posted) {
          this.state = { ...this.state, latest: { ...latest, posted } };
          saveState(this.options.stateFile, this.state);
        }
        return { kind: 'unchanged', size: checkpoint.size, posted };
      }
      const answer = (await (
        await this.get(`/v1/audit/consistency?first=${latest.size}&second=${checkpoint.size}`)
      ).json()) as { proof?: unknown };
      const proof = Array.isArray(answer.proof) ? answer.proof.map((p) => String(p)) : [];
      const good = verifyConsistency(
        latest.size,
        checkpoint.size,
        Buffer.from(latest.rootHash, 'base64'),
        checkpoint.rootHash,
        proof.map((p) => Buffer.from(p, 'base64')),
      );
      if (!good)
        return this.refuse({
          kind: 'inconsistent',
          message: `the log's head of size ${checkpoint.size} is not consistent with the head of size ${latest.size} this witness cosigned: the log was rewritten`,
          offered,
          proof,
        });
    }

    const now = (this.options.now ?? (() => Math.floor(Date.now() / 1000)))();
    const line = cosign(opened.body, { name: this.options.name, privateKey: this.options.privateKey }, now);
    const cosignedAt = new Date(now * 1000).toISOString();
    const head = { size: checkpoint.size, rootHash, cosignedAt };
    this.state = {
      ...this.state,
      latest: { ...head, note: `${logNote}${line}`, posted: false },
      history: compactHistory([...this.state.history, head], this.options.historyLimit),
    };
    // Saved before the cosignature leaves: a witness never vouches for a head it could forget.
    saveState(this.options.stateFile, this.state);
    const posted = await this.post(opened.body, line);
    if (posted) {
      this.state = { ...this.state, latest: { ...this.state.latest!, posted: true } };
      saveState(this.options.stateFile, this.state);
    }
    this.log('info', `cosigned ${this.options.origin} size ${checkpoint.size} root ${rootHash}`);
    return { kind: 'cosigned', size: checkpoint.size, rootHash, posted };
  }

  private refuse(found: Omit<Evidence, 'detectedAt' | 'cosigned'>): RoundOutcome {
    const latest = this.state.latest!;
    const evidence: Evidence = {
      detectedAt: new Date().toISOString(),
      ...found,
      cosigned: { size: latest.size, rootHash: latest.rootHash, cosignedAt: latest.cosignedAt, note: latest.note },
    };
    const previous = this.state.evidence[this.state.evidence.length - 1];
    const repeated =
      previous &&
      previous.offered.size === evidence.offered.size &&
      previous.offered.rootHash === evidence.offered.rootHash;
    if (!repeated) {
      this.state = { ...this.state, evidence: [...this.state.evidence, evidence].slice(-MAX_EVIDENCE) };
      saveState(this.options.stateFile, this.state);
    }
    this.log(
      'error',
      `REFUSED TO COSIGN ${this.options.origin}: ${evidence.message} (cosigned size ${latest.size} root ${latest.rootHash}; offered size ${evidence.offered.size} root ${evidence.offered.rootHash}); evidence kept in ${this.options.stateFile}`,
    );
    return { kind: 'refused', evidence };
  }

  private async post(body: string, line: string): Promise<boolean> {
    try {
      const response = await this.fetch(`${this.options.logUrl.replace(/\/+$/, '')}/v1/audit/tree-head/cosignatures`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ checkpoint: body, cosignature: line.trim() }),
        signal: AbortSignal.timeout(10_000),
        redirect: 'error',
      });
      if (response.ok) return true;
      this.log('warn', `the log refused the cosignature: ${response.status} ${(await response.text()).slice(0, 300)}`);
      return false;
    } catch (error) {
      this.log('warn', `could not deliver the cosignature: ${(error as Error).message}`);
      return false;
    }
  }
}

function cosignatureLineOf(note: string): string {
  const lines = note.trimEnd().split('\n');
  return lines[lines.length - 1];
}

function defaultLog(level: 'info' | 'warn' | 'error', message: string): void {
  const line = JSON.stringify({ time: new Date().toISOString(), level, component: 'witness', message });
  if (level === 'info') console.log(line);
  else console.error(line);
}
