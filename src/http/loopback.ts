// Which addresses count as this machine's own, for a gateway that runs open (no admin key) and so
// must answer only locally. Only literal addresses are trusted, never a name that merely looks like
// one (`127.evil.example`): DNS could point it anywhere.
import { BlockList, isIP } from 'node:net';

const loopbackRanges = new BlockList();
loopbackRanges.addSubnet('127.0.0.0', 8, 'ipv4');
loopbackRanges.addAddress('::1', 'ipv6');

/** The last address found to be loopback: an open gateway asks for every request, nearly always
 * about the same one, and BlockList's check costs about a microsecond. */
let lastLoopback: string | null = null;

/** An IP literal in 127.0.0.0/8 or ::1, in any spelling (IPv4-mapped `::ffff:127.0.0.1` included). */
export function isLoopbackAddress(address: string | undefined): boolean {
  if (address === undefined) return false;
  if (address === lastLoopback) return true;
  const family = isIP(address);
  // BlockList also matches IPv4-mapped IPv6 addresses against the IPv4 range.
  const loopback = family !== 0 && loopbackRanges.check(address, family === 4 ? 'ipv4' : 'ipv6');
  if (loopback) lastLoopback = address;
  return loopback;
}

/** A bind address that stays on this machine: a loopback literal, or the name `localhost`. */
export function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || isLoopbackAddress(host);
}
