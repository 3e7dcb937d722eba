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
