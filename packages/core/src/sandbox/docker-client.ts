/**
 * A Docker engine client: a `dockerode` instance (`new Docker()` or `new Docker({ socketPath })`
 * of the `dockerode` package, which this package depends on).
 *
 * The type names the methods the sandboxes and image helpers call, by name only. It is written
 * here instead of imported from `@types/dockerode` so that these declarations typecheck for a
 * consumer who has not installed it: `@types/dockerode` describes dockerode 4, not the dockerode 5
 * this package runs, and would pull `@types/ssh2` and a second `@types/node` into every install.
 * Any dockerode client fits it; a test checks that `new Docker()` does.
 */
export interface DockerClient {
  /** dockerode's connection (`followProgress`, `demuxStream` are used). */
  readonly modem: object;
  ping(...args: never[]): unknown;
  getImage(...args: never[]): unknown;
  listImages(...args: never[]): unknown;
  buildImage(...args: never[]): unknown;
  createContainer(...args: never[]): unknown;
  getContainer(...args: never[]): unknown;
  listContainers(...args: never[]): unknown;
  createVolume(...args: never[]): unknown;
  getVolume(...args: never[]): unknown;
  listVolumes(...args: never[]): unknown;
  listNetworks(...args: never[]): unknown;
}
