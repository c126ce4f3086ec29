/**
 * DCD frames a task streams to its trajectory file: a frame every `every` steps from step
 * `first` on, buffered and appended when the buffer is large or at a checkpoint (flush). The
 * header's frame count is rewritten at every flush, so the file is readable while the run goes
 * on. `frames` counts every frame taken (on disk + buffered), as RawRowsFile.rows.
 */
import { checkInterval, stepsUntilScheduled, type StepReporter, type Stepper } from '../../../engine/integrators/simulation';
import { encodeDcdFrame, setDcdFrameCount } from '../../../engine/molecules/formats/dcd';
import { appendBytes, writeBytesAt } from '../raw-files';
import { FLUSH_BYTES } from './rows';

export class DcdReporter<S extends Stepper & { readonly positions: Float64Array }> implements StepReporter<S> {
  frames: number;
  private readonly frameBytes: number;
  private readonly pendingFrames: Uint8Array[] = [];
  private pendingBytes = 0;
  private framesOnDisk: number;

  /** `header()` builds the file's header with 0 frames (its count is set here). */
  constructor(
    readonly path: string,
    private readonly nAtoms: number,
    private readonly header: () => Uint8Array,
    private readonly first: number,
    private readonly every: number,
    framesOnDisk = 0,
  ) {
    checkInterval(every, 'frame interval');
    this.frames = framesOnDisk;
    this.framesOnDisk = framesOnDisk;
    this.frameBytes = encodeDcdFrame(new Float64Array(3 * nAtoms), nAtoms, null).length;
  }

  /** The [path, bytes] a checkpoint with `frames` frames cuts the file back to. */
  cutBack(frames: number): readonly [string, number] {
    return [this.path, this.header().length + frames * this.frameBytes];
  }

  /** A new file starts with its header (0 frames). */
  start(): void {
    appendBytes(this.path, this.header());
  }

  describeNextReport(step: number): number {
    return stepsUntilScheduled(step, this.first, this.every);
  }

  report(_step: number, stepper: S): void {
    const frame = encodeDcdFrame(stepper.positions, this.nAtoms, null);
    this.pendingFrames.push(frame);
    this.pendingBytes += frame.length;
    this.frames++;
    if (this.pendingBytes >= FLUSH_BYTES) this.flush();
  }

  /** Appends the buffered frames and sets the header's frame count to the frames on disk. */
  flush(): void {
    for (const f of this.pendingFrames) appendBytes(this.path, f);
    this.framesOnDisk += this.pendingFrames.length;
    this.pendingFrames.length = 0;
    this.pendingBytes = 0;
    const h = this.header();
    setDcdFrameCount(h, this.framesOnDisk);
    writeBytesAt(this.path, h, 0);
  }
}
