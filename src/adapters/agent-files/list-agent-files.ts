import type { Dirent, Stats } from 'node:fs';
import path from 'node:path';
import type { AgentFileProblem } from '../../core/agents/agent-file-error.js';

/** The file-system calls `listAgentFiles` makes (`node:fs/promises`), passed in so the walk stays testable. */
export interface FileSystemReader {
  readdir(dir: string, options: { withFileTypes: true }): Promise<Dirent[]>;
  realpath(file: string): Promise<string>;
  stat(file: string): Promise<Stats>;
}

/** The Markdown files under a folder, and every entry the walk did not take, with why. */
export interface ListedAgentFiles {
  /** Paths relative to the root, shallow before deep (each folder's entries sorted). */
  files: string[];
  /** Folders that could not be read. */
  problems: AgentFileProblem[];
  /** Symlink loops and broken symlinks. */
  warnings: AgentFileProblem[];
  /** Skipped entries: hidden entries, `node_modules`, files that are not `.md`, folders met twice. */
  notes: AgentFileProblem[];
}

/**
 * Walks `root` for `*.md` files, breadth first (so the shallowest way into a folder is the one
 * read). Symlinks are followed, to files and to folders, but each real folder is read once: a
 * link to a folder that contains it is a loop (refused, a warning); a second way into a folder
 * already read is skipped (a note). A file reached twice through links is listed once. Hidden
 * entries and `node_modules` are skipped, each with a note.
 *
 * @throws when `root` itself cannot be read.
 */
export async function listAgentFiles(root: string, fs: FileSystemReader): Promise<ListedAgentFiles> {
  const listed: ListedAgentFiles = { files: [], problems: [], warnings: [], notes: [] };
  const foldersRead = new Map<string, string>();
  const filesSeen = new Map<string, string>();
  const rootReal = await fs.realpath(root);
  foldersRead.set(rootReal, root);

  const queue: Array<{ relativeDir: string; ancestors: ReadonlySet<string> }> = [];
  const readFolder = async (relativeDir: string, ancestors: ReadonlySet<string>): Promise<void> => {
    const entries = await fs.readdir(path.join(root, relativeDir), { withFileTypes: true });
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const relativePath = path.join(relativeDir, entry.name);
      const file = path.join(root, relativePath);
      if (entry.name.startsWith('.') || entry.name === 'node_modules') {
        listed.notes.push({ file, reason: `skipped: ${entry.name === 'node_modules' ? 'node_modules' : 'a hidden entry'} is never read` });
        continue;
      }
      let info: Stats;
      let real: string;
      try {
        // stat follows symlinks; lstat is not needed, the Dirent already says whether it is one.
        info = await fs.stat(file);
        real = await fs.realpath(file);
      } catch (error) {
        const reason = entry.isSymbolicLink()
          ? `skipped: broken symlink (${describeFsError(error)})`
          : `skipped: cannot read this entry (${describeFsError(error)})`;
        listed.warnings.push({ file, reason });
        continue;
      }
      if (info.isDirectory()) {
        if (ancestors.has(real)) {
          listed.warnings.push({ file, reason: `skipped: symlink loop (it leads back to ${foldersRead.get(real) ?? real}, which contains it)` });
          continue;
        }
        const readAs = foldersRead.get(real);
        if (readAs !== undefined) {
          listed.notes.push({ file, reason: `skipped: the same folder as ${readAs}, which is read once` });
          continue;
        }
        foldersRead.set(real, file);
        queue.push({ relativeDir: relativePath, ancestors: new Set([...ancestors, real]) });
      } else if (!info.isFile() || !entry.name.toLowerCase().endsWith('.md')) {
        listed.notes.push({ file, reason: 'skipped: not a Markdown (.md) file' });
      } else {
        const seenAs = filesSeen.get(real);
        if (seenAs !== undefined) {
          listed.notes.push({ file, reason: `skipped: the same file as ${seenAs} (through a symlink), which is read once` });
          continue;
        }
        filesSeen.set(real, file);
        listed.files.push(relativePath);
      }
    }
  };
  await readFolder('', new Set([rootReal]));
  for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
    try {
      await readFolder(next.relativeDir, next.ancestors);
    } catch (error) {
      const reason = `cannot read this folder: ${describeFsError(error)}`;
      listed.problems.push({ file: path.join(root, next.relativeDir), reason });
    }
  }
  return listed;
}

function describeFsError(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : String(error);
}
