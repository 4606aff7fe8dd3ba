import { spawnSync } from "node:child_process";
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";

/**
 * A place where the engine's disk fills up for real. Preferred: a tiny tmpfs mounted in a private
 * user + mount namespace (`unshare -rm`, no root needed where unprivileged user namespaces are
 * allowed), which gives a true ENOSPC and lets the test free space again. Where namespaces are not
 * allowed, the engine runs under a file-size limit (`ulimit -f`), which fails appends with EFBIG
 * the same way; space can then only be "freed" by restarting without the limit.
 */
export interface DiskSandbox {
  readonly kind: "tmpfs" | "file-size limit";
  /** Wraps the engine's argv so it runs with its data directory on the small disk. */
  wrap(argv: string[]): string[];
  /** The engine's pid, once its ready line printed `engine-pid=` (tmpfs) or the spawned pid. */
  enginePid(output: string, spawnedPid: number): number;
  /** Frees space on the small disk while the engine runs (tmpfs only). */
  readonly free: (() => Promise<void>) | undefined;
  /** Where the data directory is after the engine exited (copied out of the tmpfs). */
  readonly dataDirAfterExit: string;
}

const TMPFS_SCRIPT = `set -e
mount -t tmpfs -o size=$SANDBOX_SIZE tmpfs "$SANDBOX_MNT"
mkdir "$SANDBOX_MNT/data"
head -c "$SANDBOX_FILLER" /dev/zero > "$SANDBOX_MNT/filler"
"$@" --data_dir="$SANDBOX_MNT/data" &
pid=$!
echo "engine-pid=$pid"
( while [ ! -e "$SANDBOX_FREE" ]; do sleep 0.05; done; rm -f "$SANDBOX_MNT/filler" ) &
watcher=$!
wait $pid || true
kill $watcher 2>/dev/null || true
cp -a "$SANDBOX_MNT/data/." "$SANDBOX_OUT/"
`;

function namespacesAllowed(): boolean {
  const probe = spawnSync(
    "unshare",
    [
      "-rm",
      "sh",
      "-c",
      "mount -t tmpfs -o size=64k tmpfs /mnt 2>/dev/null || mount -t tmpfs -o size=64k tmpfs /tmp",
    ],
    {
      stdio: "ignore",
    },
  );
  return probe.status === 0;
}

/** Prepares a sandbox under `root` whose disk has about `freeBytes` left once the engine starts. */
export async function diskSandbox(root: string, freeBytes: number): Promise<DiskSandbox> {
  const out = path.join(root, "data");
  await mkdir(out, { recursive: true });
  if (namespacesAllowed()) {
    const mnt = path.join(root, "mnt");
    const flag = path.join(root, "free-now");
    await mkdir(mnt);
    const size = 4 * 1024 * 1024;
    const env = {
      SANDBOX_SIZE: String(size),
      SANDBOX_FILLER: String(size - freeBytes),
      SANDBOX_MNT: mnt,
      SANDBOX_FREE: flag,
      SANDBOX_OUT: out,
    };
    return {
      kind: "tmpfs",
      wrap: (argv) => [
        "env",
        ...Object.entries(env).map(([k, v]) => `${k}=${v}`),
        "unshare",
        "-rm",
        "sh",
        "-c",
        TMPFS_SCRIPT,
        "sh",
        ...argv,
      ],
      enginePid: (output) => Number(/engine-pid=(\d+)/.exec(output)![1]),
      free: () => writeFile(flag, ""),
      dataDirAfterExit: out,
    };
  }
  const blocks = Math.floor(freeBytes / 512);
  return {
    kind: "file-size limit",
    wrap: (argv) => ["sh", "-c", `ulimit -f ${blocks}; exec "$@" --data_dir="${out}"`, "sh", ...argv],
    enginePid: (_output, spawnedPid) => spawnedPid,
    free: undefined,
    dataDirAfterExit: out,
  };
}
