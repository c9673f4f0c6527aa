import Docker from 'dockerode';
import { AVAILABLE, type Availability, unavailable } from './availability.js';

/** Whether a Docker engine answers (at `DOCKER_HOST`, else the default socket). */
export async function dockerAvailability(docker: Docker = new Docker()): Promise<Availability> {
  try {
    await docker.ping();
    return AVAILABLE;
  } catch (error) {
    return unavailable(
      `no Docker engine answers (DOCKER_HOST=${process.env['DOCKER_HOST'] ?? 'unset'}): ${(error as Error).message}`,
    );
  }
}
