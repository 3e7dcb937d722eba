// The source-reading checks of tests/ci walk folders for TypeScript files.

/**
 * Every `.ts` file under `dir`, as `prefix` followed by its path below
 * `dir`.
 */
export async function tsFiles(dir: URL, prefix: string): Promise<string[]> {
  const files: string[] = [];
  for await (const entry of Deno.readDir(dir)) {
    const path = prefix + entry.name;
    if (entry.isDirectory) {
      files.push(...await tsFiles(new URL(`${entry.name}/`, dir), `${path}/`));
    } else if (path.endsWith(".ts")) files.push(path);
  }
  return files;
}

/**
 * Every `.ts` file of `folders` below the repository's root (paths from
 * the root), skipping a folder not there yet (a planned layer).
 */
export async function folderFiles(
  root: URL,
  folders: readonly string[],
): Promise<string[]> {
  const files: string[] = [];
  for (const folder of folders) {
    const dir = new URL(`${folder}/`, root);
    try {
      await Deno.stat(dir);
    } catch {
      continue;
    }
    files.push(...await tsFiles(dir, `${folder}/`));
  }
  return files;
}
