/**
 * What must be undone when the run ends, whichever way it ends (finished, failed, Ctrl-C): apps closed, children
 * killed, then the private services stopped. Undone last-in first-out, each step at most once.
 */
type Step = { what: string; undo: () => Promise<void> };

export class Cleanup {
  private readonly steps: Step[] = [];

  /** Registers an undo step; returns a function that runs it now (and removes it). */
  add(what: string, undo: () => Promise<void>): () => Promise<void> {
    const step: Step = { what, undo };
    this.steps.push(step);
    return async () => {
      const i = this.steps.indexOf(step);
      if (i === -1) return;
      this.steps.splice(i, 1);
      await undo();
    };
  }

  async runAll(report: (line: string) => void): Promise<void> {
    for (let step = this.steps.pop(); step !== undefined; step = this.steps.pop()) {
      try {
        await step.undo();
      } catch (err) {
        report(`cleanup: ${step.what} failed: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
  }
}
