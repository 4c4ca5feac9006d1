/**
 * Lists the file names inside a winmail.dat (TNEF, Outlook's "Rich Text" container) without extracting them:
 * people then at least see what the sender meant to attach. Reads only attAttachTitle and the codepage.
 */
import { TextDecoder } from 'node:util';

const SIGNATURE = 0x223e9f78;
const ATT_ATTACH_TITLE = 0x00018010;
const ATT_OEM_CODEPAGE = 0x00069007;
const LEVEL_ATTACHMENT = 2;
const MAX_NAMES = 100;

function decoder(codepage: number | undefined): TextDecoder {
  try {
    if (codepage !== undefined && codepage !== 0) return new TextDecoder(codepage === 65001 ? 'utf-8' : `windows-${codepage}`);
  } catch {
    // an unknown codepage: fall through to Latin-1
  }
  return new TextDecoder('latin1');
}

/** The attachment names in a TNEF stream; empty when it is not TNEF or holds none. Never throws. */
export function tnefAttachmentNames(data: Uint8Array): string[] {
  if (data.length < 6) return [];
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  if (view.getUint32(0, true) !== SIGNATURE) return [];
  let codepage: number | undefined;
  const titles: Uint8Array[] = [];
  let at = 6;
  while (at + 9 <= data.length && titles.length < MAX_NAMES) {
    const level = view.getUint8(at);
    const id = view.getUint32(at + 1, true);
    const length = view.getUint32(at + 5, true);
    const start = at + 9;
    if (start + length > data.length) break;
    if (id === ATT_OEM_CODEPAGE && length >= 4) codepage = view.getUint32(start, true);
    if (level === LEVEL_ATTACHMENT && id === ATT_ATTACH_TITLE) {
      const raw = data.subarray(start, start + length);
      const nul = raw.indexOf(0);
      titles.push(nul === -1 ? raw : raw.subarray(0, nul));
    }
    at = start + length + 2; // data, then a 16-bit checksum
  }
  const text = decoder(codepage);
  return titles.map((t) => text.decode(t).trim()).filter((n) => n !== '');
}
