/** The port the inbound use cases check a command's sender through (the adapter computes DMARC with mailauth). */

/** What a DMARC check on the raw message concluded. */
export interface AuthVerdict {
  dmarc: string;
  spf: string;
  dkim: string;
  /** The From domain the verdict is about. */
  domain: string;
  comment: string;
}

export interface SenderVerifier {
  verify(raw: Buffer): Promise<AuthVerdict>;
}
