import * as vscode from 'vscode';

/** One owner per resource: everything registered is disposed with its owner, late registrations at once. */
export abstract class Disposable implements vscode.Disposable {
  private readonly owned: vscode.Disposable[] = [];
  private disposed = false;

  protected register<T extends vscode.Disposable>(d: T): T {
    if (this.disposed) d.dispose();
    else this.owned.push(d);
    return d;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    while (this.owned.length) {
      try {
        this.owned.pop()!.dispose();
      } catch {
        // keep disposing the rest
      }
    }
  }
}
